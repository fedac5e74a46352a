/// A video resolution named by its line count: `720p`, `1080p`, `4k` (2160 lines).
public struct Resolution: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var lines: Int

    public init(lines: Int) { self.lines = lines }

    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if lowered == "4k" {
            self.lines = 2160
            return
        }
        if lowered == "8k" {
            self.lines = 4320
            return
        }
        guard lowered.hasSuffix("p"), let lines = Int(lowered.dropLast()), lines > 0, lines <= 10_000 else { return nil }
        self.lines = lines
    }

    public var description: String { "\(lines)p" }

    public static func < (lhs: Resolution, rhs: Resolution) -> Bool { lhs.lines < rhs.lines }
}
