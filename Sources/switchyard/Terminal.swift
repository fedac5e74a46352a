import Foundation

/// Buffered writes to stdout and stderr. Batch commands write a line per request, so output
/// goes through a buffer rather than a system call per line.
final class Terminal: @unchecked Sendable {
    static let standardOutput = Terminal(FileHandle.standardOutput)
    static let standardError = Terminal(FileHandle.standardError)

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// A status line (a progress bar) is on screen without a newline: the next write clears it.
    private var statusShown = false
    // Only the main thread writes; the lock keeps that assumption cheap to break safely.
    private let lock = NSLock()

    private init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        clearStatusLocked()
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flushLocked() }
    }

    /// Replaces the status line with `text` at once. Only for a terminal: the line is redrawn
    /// in place with a carriage return and an erase-line sequence.
    func showStatus(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        clearStatusLocked()
        buffer.append(contentsOf: text.utf8)
        statusShown = true
        flushLocked()
    }

    /// Erases the status line, if one is shown.
    func clearStatus() {
        lock.lock()
        defer { lock.unlock() }
        clearStatusLocked()
        flushLocked()
    }

    private func clearStatusLocked() {
        guard statusShown else { return }
        buffer.append(contentsOf: "\r\u{1B}[K".utf8)
        statusShown = false
    }

    func writeLine(_ text: String) { write(text + "\n") }

    /// Appends UTF-8 text that is built as bytes already, such as a plan line.
    func write(bytes: UnsafeBufferPointer<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        clearStatusLocked()
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flushLocked() }
    }

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
