import OrderedCollections
import SwitchyardCore
import Testing

struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(
            #" { "n": null, "t": true, "f": false, "i": -12, "d": 1.5, "s": "x", "a": [1, [], {}], "o": {"k": "v"} } "#
        )
        #expect(
            value == [
                "n": nil, "t": true, "f": false, "i": -12, "d": 1.5, "s": "x", "a": [1, [], [:]], "o": ["k": "v"],
            ]
        )
        #expect(
            value.jsonString() == #"{"n":null,"t":true,"f":false,"i":-12,"d":1.5,"s":"x","a":[1,[],{}],"o":{"k":"v"}}"#)
    }

    @Test func keepsIntegersApartFromDoubles() throws {
        #expect(try JSONValue.parse("42") == .int(42))
        guard case .int = try JSONValue.parse("42") else {
            Issue.record("42 should be .int")
            return
        }
        guard case .double = try JSONValue.parse("42.0") else {
            Issue.record("42.0 should be .double")
            return
        }
        guard case .double = try JSONValue.parse("4e2") else {
            Issue.record("4e2 should be .double")
            return
        }
        #expect(try JSONValue.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONValue.parse("9223372036854775807") == .int(Int.max))
        // One past Int.max no longer fits, so it becomes a double.
        guard case .double(let big) = try JSONValue.parse("9223372036854775808") else {
            Issue.record("overflowing integer should be .double")
            return
        }
        #expect(big == 9_223_372_036_854_775_808.0)
        #expect(try JSONValue.parse("-0.5e-3") == .double(-0.0005))
        #expect(try JSONValue.parse("1E+2") == .double(100))
        #expect(try JSONValue.parse("0") == .int(0))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try JSONValue.parse(#""\u00e9\u4E2D""#) == .string("é中"))
        #expect(try JSONValue.parse(#""\uD834\uDD1E""#) == .string("𝄞"))
        #expect(try JSONValue.parse(#""raw 𝄞 é""#) == .string("raw 𝄞 é"))
    }

    @Test(arguments: [
        "", " ", "[1,]", "{\"a\":1,}", "[1 2]", "01", "-01", "1.", ".5", "1e", "+1", "NaN", "Infinity", "-",
        "// c\n1", "/* c */ 1", "'a'", "{a:1}", "[", "{\"a\"}", "{\"a\":}", "tru", "nul", "true false",
        "\"\\x41\"", "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"\\u12\"", "\"a\nb\"", "\"abc",
        "1e400", "[1]]",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func reportsLineAndColumn() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSONValue.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
        }
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(error.offset == 19)
        #expect(error.description.hasPrefix("line 3, column 8: "))

        let trailing = try #require(throws: JSONParseError.self) { try JSONValue.parse("[1,\n 2,\n]") }
        #expect((trailing.line, trailing.column) == (3, 1))

        // Columns count scalars, not bytes.
        let unicode = try #require(throws: JSONParseError.self) { try JSONValue.parse("[\"é𝄞\" x]") }
        #expect((unicode.line, unicode.column, unicode.offset) == (1, 7, 10))
    }

    @Test func limitsNestingDepth() throws {
        let deep = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(throws: Never.self) { try JSONValue.parse(deep, maxDepth: 10) }
        let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(deep, maxDepth: 9) }
        #expect(error.offset == 9)
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(hostile) }
    }

    @Test func lastDuplicateKeyWins() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value == ["a": 3, "b": 2])
        #expect(value.jsonString() == #"{"a":3,"b":2}"#)
        // Past 16 members keys are found by hash: the same rule holds, members in first order.
        let many = (0..<40).map { "\"k\($0 % 25)\": \($0)" }.joined(separator: ", ")
        let large = try JSONValue.parse("{\(many)}")
        #expect(large.objectValue?.keys.elementsEqual((0..<25).map { "k\($0)" }) == true)
        #expect(large.objectValue?["k3"] == 28 && large.objectValue?["k20"] == 20 && large.objectValue?["k24"] == 24)
    }

    @Test func bytesMustBeValidUTF8() throws {
        #expect(try JSONValue.parse(bytes: Array(#"["é"]"#.utf8)) == ["é"])
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes: [0xEF, 0xBB, 0xBF, 0x31]) }
    }

    @Test func serializesCompactly() {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": ["x": "y"], "c": 12.0]
        #expect(value.jsonString() == #"{"b":[1,2.5,null,true],"a":{"x":"y"},"c":12.0}"#)
        #expect(value.jsonString(sortedKeys: true) == #"{"a":{"x":"y"},"b":[1,2.5,null,true],"c":12.0}"#)
        #expect(JSONValue.double(.nan).jsonString() == "null")
        #expect(JSONValue.double(-.infinity).jsonString() == "null")
        #expect(JSONValue.double(1e-7).jsonString() == "1e-07")
        #expect(JSONValue.array([]).jsonString(prettyPrinted: true) == "[]")
    }

    @Test func escapesStrings() {
        let value = JSONValue.string("q\"b\\s/n\nt\tc\u{1}\u{1F}é𝄞\u{7F}")
        #expect(value.jsonString() == #""q\"b\\s/n\nt\tc\u0001\u001fé𝄞\#u{7F}""#)
        // A combining mark after a quote shares its Character; escaping must not duplicate the quote.
        #expect(JSONValue.string("\"\u{301}x").jsonString() == "\"\\\"\u{301}x\"")
    }

    @Test func prettyPrints() {
        let value: JSONValue = ["a": [1, ["b": nil]], "e": [:]]
        let expected = """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "e": {}
            }
            """
        #expect(value.jsonString(prettyPrinted: true) == expected)
    }

    @Test func roundTrips() throws {
        let text =
            #"{"s":"é\"\\\n\u0000𝄞","n":[0,-1,1.5,-0.0,1e+300,5e-324,9007199254740993],"#
            + #""o":{"":[{}]},"b":[true,false,null]}"#
        let value = try JSONValue.parse(text)
        let compact = value.jsonString()
        #expect(try JSONValue.parse(compact) == value)
        #expect(try JSONValue.parse(value.jsonString(prettyPrinted: true)) == value)
        #expect(try JSONValue.parse(compact).jsonString() == compact)
        var output = "prefix:"
        value.write(to: &output, sortedKeys: false)
        #expect(output == "prefix:" + compact)
    }
}
