/// A size in bytes written with a unit: `16MB` is 16 × 10^6 bytes, `5MiB` is 5 × 2^20.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) { self.bytes = bytes }

    private static let units: [(suffix: String, factor: Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
        ("kB", 1_000), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000),
        ("B", 1),
    ]

    /// Parses `200MB`, `16 MB`, `5MiB`, `512KiB`, `1024B` or a bare byte count.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        var number = Substring(trimmed)
        var factor: Int64 = 1
        for unit in Self.units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            factor = unit.factor
            break
        }
        let digits = number.trimmingSpaces()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let count = Int64(digits) else { return nil }
        let (value, overflow) = count.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        bytes = value
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// The largest unit that divides the size exactly: `16MB`, `5MiB`, `1500B`.
    public var description: String {
        for (suffix, factor) in [
            ("GB", Int64(1_000_000_000)), ("GiB", 1 << 30), ("MB", 1_000_000), ("MiB", 1 << 20), ("kB", 1_000), ("KiB", 1 << 10),
        ]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)B"
    }
}
