import Foundation

/// Buffered writes to stdout and stderr. Batch commands write a line per request, so output
/// goes through a buffer rather than a system call per line.
final class Terminal: @unchecked Sendable {
    static let standardOutput = Terminal(FileHandle.standardOutput)
    static let standardError = Terminal(FileHandle.standardError)

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    // Only the main thread writes; the lock keeps that assumption cheap to break safely.
    private let lock = NSLock()

    private init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flushLocked() }
    }

    func writeLine(_ text: String) { write(text + "\n") }

    func flush() {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    static func flushAll() {
        standardOutput.flush()
        standardError.flush()
    }
}
