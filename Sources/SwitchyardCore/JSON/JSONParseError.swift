/// Why a JSON text was rejected, and where.
///
/// `offset` is a 0-based UTF-8 byte offset into the input; `line` and `column` are 1-based, with the
/// column counted in Unicode scalars so that it matches what an editor shows for non-ASCII text.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the offending input.
    public let line: Int
    /// 1-based column, in Unicode scalars, of the offending input.
    public let column: Int
    /// 0-based UTF-8 byte offset of the offending input.
    public let offset: Int
    /// What was wrong, in words.
    public let message: String

    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONParseError {
    /// Computes the line and column of `offset` by rescanning the input.
    ///
    /// Only the error path pays for this, so the parser itself never tracks lines.
    init(bytes: UnsafeBufferPointer<UInt8>, offset: Int, message: String) {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Continuation bytes belong to the scalar already counted.
                column += 1
            }
            index += 1
        }
        self.init(line: line, column: column, offset: offset, message: message)
    }
}
