import Foundation
import SwitchyardCore

/// Appends decision events to a JSON-lines file.
final class DecisionLogWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                Terminal.standardError.writeLine("\(path): error: cannot create the decision log")
                throw ExitStatus.invalidInput.exitCode
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            Terminal.standardError.writeLine("\(path): error: cannot open the decision log for writing")
            throw ExitStatus.invalidInput.exitCode
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    func write(_ event: DecisionEvent) {
        buffer.append(contentsOf: event.jsonLine.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        try? handle.close()
    }
}
