import Testing

@testable import SwitchyardCore

/// The YAML composer the decoders read: positions, scalar styles, anchors and aliases,
/// several documents, and located errors.
@Suite struct YAMLComposerTests {
    func documents(_ text: String) throws -> [YAMLNode] {
        switch YAMLComposer.documents(text) {
        case .success(let documents): return documents
        case .failure(let failure): throw TestFailure("\(failure.message) at \(String(describing: failure.mark))")
        }
    }

    func failure(_ text: String) -> YAMLComposer.Failure? {
        if case .failure(let failure) = YAMLComposer.documents(text) { return failure }
        return nil
    }

    @Test func scalarsKeepTheirTextStyleAndPosition() throws {
        let root = try #require(try documents("a: 1\nb: 'two'\nc: \"thr\\u00e9e\"\nd: |\n  line\ne:\n  - x\n  - {k: v}\n").first)
        guard case .mapping(let mapping) = root else { throw TestFailure("not a mapping: \(root)") }
        #expect(mapping.map { $0.key.scalar?.string } == ["a", "b", "c", "d", "e"])
        #expect(mapping[0].value.scalar?.style == .plain && mapping[1].value.scalar?.style == .singleQuoted)
        #expect(mapping[2].value.scalar?.string == "thrée" && mapping[2].value.scalar?.style == .doubleQuoted)
        #expect(mapping[3].value.scalar?.string == "line\n" && mapping[3].value.scalar?.style == .literal)
        #expect(mapping[1].key.mark == YAMLNode.Mark(line: 2, column: 1))
        #expect(mapping[1].value.mark == YAMLNode.Mark(line: 2, column: 4))
        guard case .sequence(let list) = mapping[4].value else { throw TestFailure("not a list") }
        #expect(list.count == 2 && list.mark == YAMLNode.Mark(line: 7, column: 3))
        #expect(list[1].mark == YAMLNode.Mark(line: 8, column: 5))
    }

    @Test func aliasesReadAsTheNodeTheirAnchorNames() throws {
        let root = try #require(try documents("base: &b {x: 1}\nuse: *b\nlater: &b 2\nagain: *b\n").first)
        guard case .mapping(let mapping) = root, case .mapping(let used) = mapping[1].value else { throw TestFailure("\(root)") }
        #expect(used.first?.key.scalar?.string == "x")
        // A later anchor of the same name replaces the earlier one.
        #expect(mapping[3].value.scalar?.string == "2")
    }

    @Test func everyDocumentOfAStreamAndNoneForAnEmptyOne() throws {
        #expect(try documents("a: 1\n---\nb: 2\n").count == 2)
        #expect(try documents("# only a comment\n").isEmpty)
        #expect(try documents("---\n").first?.scalar?.string == "")
    }

    @Test func errorsSayWhatAndWhere() throws {
        let duplicate = try #require(failure("z: 1\na: 2\nz: 3\na: 4\n"))
        #expect(duplicate.message == "duplicate key 'a', 'z' in a mapping")
        #expect(duplicate.mark == YAMLNode.Mark(line: 2, column: 1))
        let alias = try #require(failure("a: *missing\n"))
        #expect(alias.message == "YAML syntax: found undefined alias" && alias.mark == YAMLNode.Mark(line: 1, column: 4))
        let syntax = try #require(failure("a: [1, 2\nb: 3\n"))
        #expect(syntax.message.hasPrefix("YAML syntax: did not find expected ',' or ']'"), "\(syntax.message)")
        #expect(syntax.mark?.line == 2)
        // The same key in two documents, or in two mappings, is no duplicate.
        #expect(failure("a: 1\n---\na: 2\n") == nil)
        #expect(failure("x: {a: 1}\ny: {a: 2}\n") == nil)
    }
}
