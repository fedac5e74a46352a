import SwitchyardCore
import Testing

struct JSONPathTests {
    static let document: JSONValue = [
        "store": [
            "book": [
                ["title": "A", "price": 8.95, "tags": ["x"]],
                ["title": "B", "price": 12, "isbn": "0-553"],
                ["title": "C", "price": 22.99, "isbn": "0-395"],
            ],
            "bicycle": ["color": "red", "price": 399],
        ],
        "it's": ["a\nb": 1],
    ]

    @Test(arguments: [
        ("$", true), ("$.store.book[0].title", true), ("$['store'][\"book\"][-1]", true), ("@", false),
        ("$.store.book[*]", false), ("$..title", false), ("$.store.book[0,1]", false), ("$.store.book[0:1]", false),
        ("$.store.book[?@.price]", false), ("$[ 'store' ]", false), ("$ .store ['book']", true),
    ])
    func singularity(_ source: String, _ singular: Bool) throws {
        guard source != "@" else {
            #expect(throws: JSONPathError.self) { try JSONPath(source) }
            return
        }
        #expect(try JSONPath(source).isSingular == singular)
    }

    @Test func selectsWithFilters() throws {
        let cheap = try JSONPath("$.store.book[?@.price < 10 || @.isbn == '0-395'].title")
        #expect(cheap.select(Self.document) == ["A", "C"])
        let withISBN = try JSONPath("$..book[?@.isbn && length(@.title) == 1]")
        #expect(withISBN.select(Self.document).count == 2)
        let regex = try JSONPath(#"$..[?match(@.isbn, '0-\\d')]"#)
        #expect(regex.select(Self.document).isEmpty)  // \d is not I-Regexp
        let search = try JSONPath("$..book[?search(@.isbn, '^0-5')].title")
        #expect(search.select(Self.document) == ["B"])
    }

    @Test(arguments: [
        ("[a-]+", "a-a", true), ("[-a]", "-", true), ("[^-]", "-", false), ("[a-b-c]", "a", false),
        ("a{2,}", "aaa", true), ("a{2,3}", "aaaa", false), ("a{3,1}", "aaa", false), (#"\p{Lu}+"#, "ÀB", true),
        (#"\P{L}"#, "1", true), (#"\d"#, "1", false), ("(a|b)*c", "abac", true), ("a|", "", true),
        ("x*?", "x", false), (#"[\^]"#, "^", true), ("[a^]", "^", true), (".", "\r", false), (".", "\u{2028}", true),
        (#"\u0041"#, "A", false), ("a.c", "a😀c", true), ("e.", "e\u{301}", true), ("[", "[", false),
        ("a]", "a]", false), (#"\p{IsBasicLatin}"#, "a", false), (#"[\p{L}-]"#, "-", true),
        (#"[\p{L}-z]"#, "z", false), (#"\.\*\\"#, #".*\"#, true), ("[]", "", false), ("()", "", true),
        ("^ab$", "ab", true), ("a$", "a\n", false), ("[$]", "$", true),
    ])
    func matchUsesIRegexp(_ pattern: String, _ subject: String, _ matches: Bool) throws {
        var literal = ""
        for scalar in pattern.unicodeScalars {
            if scalar == "\\" || scalar == "'" { literal += "\\" }
            literal.unicodeScalars.append(scalar)
        }
        let path = try JSONPath("$[?match(@, '\(literal)')]")
        #expect(path.select([.string(subject)]).isEmpty != matches)
        // The same pattern taken from the document goes through the evaluation-time cache.
        let dynamic = try JSONPath("$.s[?match(@, $.p)]")
        #expect(dynamic.select(["s": [.string(subject)], "p": .string(pattern)]).isEmpty != matches)
    }

    @Test func reportsNormalizedPaths() throws {
        let located = try JSONPath("$..[?@.price > 20]").selectLocated(Self.document)
        // Descendants are visited parents first: the filter runs on `store`'s members before it
        // runs on the books.
        #expect(located.map(\.path) == ["$['store']['bicycle']", "$['store']['book'][2]"])
        let escaped = try JSONPath("$[\"it's\"].*").selectLocated(Self.document)
        #expect(escaped.map(\.path) == [#"$['it\'s']['a\nb']"#])
        #expect(try JSONPath("$.store.book[-1:]").selectLocated(Self.document).map(\.path) == ["$['store']['book'][2]"])
    }

    @Test func firstFindsTheFirstNode() throws {
        #expect(try JSONPath("$.store.book[1].price").first(Self.document) == 12)
        #expect(try JSONPath("$.store.book[5].price").first(Self.document) == nil)
        #expect(try JSONPath("$..price").first(Self.document) == 8.95)
        #expect(try JSONPath("$.nothing[*]").first(Self.document) == nil)
    }

    @Test func compareByCodePointsAndNumerically() throws {
        let data: JSONValue = [["v": "e\u{301}"], ["v": "é"], ["v": 1], ["v": 1.0]]
        #expect(try JSONPath("$[?@.v == 'é']").select(data) == [["v": "é"]])
        #expect(try JSONPath("$[?@.v == 1.0]").select(data).count == 2)
        // U+00E9 sorts after "f"; the decomposed form starts with "e" and sorts before it.
        let before = try JSONPath("$[?@.v < 'f'].v").select(data)
        #expect(before.count == 1)
        #expect(before.first?.stringValue?.unicodeScalars.count == 2)
    }

    @Test func reportsErrorOffsets() throws {
        let error = try #require(throws: JSONPathError.self) { try JSONPath("$.a[?length(@.*) > 1]") }
        #expect(error.offset == 12)
        #expect(error.description.hasPrefix("at offset 12: "))
        let trailing = try #require(throws: JSONPathError.self) { try JSONPath("$.a ") }
        #expect(trailing.offset == 3)
        let typed = try #require(throws: JSONPathError.self) { try JSONPath("$[?match(@.a, 'x') == true]") }
        #expect(typed.offset == 3)
    }

    @Test func rejectsHostileNesting() {
        let deep = "$" + String(repeating: "[?", count: 1000) + "@" + String(repeating: "]", count: 1000)
        #expect(throws: JSONPathError.self) { try JSONPath(deep) }
        let parens = "$[?" + String(repeating: "(", count: 1000) + "@" + String(repeating: ")", count: 1000) + "]"
        #expect(throws: JSONPathError.self) { try JSONPath(parens) }
    }

    @Test func evaluatesConcurrently() async throws {
        let path = try JSONPath("$..book[?search(@.title, '[A-B]') && match(@.isbn, $.pattern)].price")
        let document: JSONValue = ["store": try #require(Self.document["store"]), "pattern": "0-5.*"]
        let expected: [JSONValue] = [12]
        let results = await withTaskGroup(of: [JSONValue].self) { group in
            for _ in 0..<8 { group.addTask { path.select(document) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func equalityFollowsSource() throws {
        #expect(try JSONPath("$.a") == JSONPath("$.a"))
        #expect(try JSONPath("$.a") != JSONPath("$['a']"))
        #expect(try Set([JSONPath("$.a"), JSONPath("$.a")]).count == 1)
    }
}
