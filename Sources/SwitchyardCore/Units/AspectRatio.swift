/// A frame shape `W:H` in lowest terms; `square`, `portrait` and `landscape` are aliases of
/// 1:1, 9:16 and 16:9.
public struct AspectRatio: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public static let aliases: [String: AspectRatio] = [
        "square": AspectRatio(width: 1, height: 1),
        "portrait": AspectRatio(width: 9, height: 16),
        "landscape": AspectRatio(width: 16, height: 9),
    ]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `16:9`, `1280:720` (reduced to 16:9) or an alias.
    public init?(parsing text: String) {
        // Found without splitting into an array: every request line parses its ratio.
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            guard let alias = Self.aliases[text.lowercased()] else { return nil }
            self = alias
            return
        }
        let after = text.utf8.index(after: colon)
        guard !text.utf8[after...].contains(UInt8(ascii: ":")), let w = Int(text[..<colon]), let h = Int(text[after...]), w > 0, h > 0,
            w <= 100_000, h <= 100_000
        else {
            return nil
        }
        var (a, b) = (w, h)
        while b != 0 { (a, b) = (b, a % b) }
        self.init(width: w / a, height: h / a)
    }

    public var description: String { "\(width):\(height)" }
}
