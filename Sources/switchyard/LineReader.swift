import Foundation

/// Reads a file or stdin line by line without holding it all, for batch inputs of any length.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// `-` reads stdin.
    init?(path: String) {
        if path == "-" {
            guard let standardInput = fdopen(STDIN_FILENO, "r") else { return nil }
            file = standardInput
            ownsFile = false
        } else {
            guard let opened = fopen(path, "r") else { return nil }
            file = opened
            ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line without its line ending, or nil at the end.
    func next() -> String? {
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        var end = length
        while end > 0, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x0D { end -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: end) {
            String(decoding: UnsafeBufferPointer(start: $0, count: end), as: UTF8.self)
        }
    }
}
