/// A text with `{n}` and `{user}` placeholders, split at them once, so that filling it in for
/// an arrival copies bytes without searching the text. Other braces are kept as they are.
struct PlaceholderText: Sendable {
    private struct Hole: Sendable {
        /// Where the placeholder was, in `literal`.
        var offset: Int
        var isUser: Bool
    }

    /// The text's UTF-8 with the placeholders cut out.
    private let literal: [UInt8]
    private let holes: [Hole]

    init(_ text: String) {
        var literal: [UInt8] = []
        var holes: [Hole] = []
        var index = text.utf8.startIndex
        let end = text.utf8.endIndex
        while index < end {
            if text.utf8[index] == UInt8(ascii: "{") {
                let rest = text.utf8[index...]
                if rest.starts(with: "{n}".utf8) {
                    holes.append(Hole(offset: literal.count, isUser: false))
                    index = text.utf8.index(index, offsetBy: 3)
                    continue
                }
                if rest.starts(with: "{user}".utf8) {
                    holes.append(Hole(offset: literal.count, isUser: true))
                    index = text.utf8.index(index, offsetBy: 6)
                    continue
                }
            }
            literal.append(text.utf8[index])
            index = text.utf8.index(after: index)
        }
        self.literal = literal
        self.holes = holes
    }

    /// The text with `number` for each `{n}` and `user` for each `{user}`.
    func filled(number: DecimalDigits, user: DecimalDigits) -> String {
        var count = literal.count
        for hole in holes { count += hole.isUser ? user.count : number.count }
        return literal.withUnsafeBytes { literal in
            String(unsafeUninitializedCapacity: count) { out in
                var read = 0
                var written = 0
                func copyLiteral(upTo end: Int) {
                    guard end > read else { return }
                    UnsafeMutableRawPointer(out.baseAddress! + written).copyMemory(from: literal.baseAddress! + read, byteCount: end - read)
                    written += end - read
                    read = end
                }
                for hole in holes {
                    copyLiteral(upTo: hole.offset)
                    written += (hole.isUser ? user : number).write(into: out, at: written)
                }
                copyLiteral(upTo: literal.count)
                return written
            }
        }
    }
}
