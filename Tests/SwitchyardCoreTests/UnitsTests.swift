import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct UnitsTests {
    @Test func moneyIsExactDecimal() throws {
        let price = try #require(Money(decimal: "0.039"))
        #expect(price.times(30) == Money(decimal: "1.17"))
        #expect(price.times(60).description == "2.34")
        #expect(Money(decimal: "0.1")! + Money(decimal: "0.2")! == Money(decimal: "0.3")!)
        #expect(Money(decimal: "12")!.description == "12.00")
        #expect(Money(decimal: "4.5")!.json.jsonString() == "4.5")
        #expect(Money(decimal: "1.0000001") == nil)
        #expect(Money(decimal: "1e3") == nil)
        #expect(Money(decimal: "-2.5")?.micros == -2_500_000)
        #expect(Money(98.0) == Money(decimal: "98"))
    }

    @Test func byteSizesUseDecimalAndBinaryUnits() {
        #expect(ByteSize(parsing: "16MB")?.bytes == 16_000_000)
        #expect(ByteSize(parsing: "5MiB")?.bytes == 5_242_880)
        #expect(ByteSize(parsing: "512 kB")?.bytes == 512_000)
        #expect(ByteSize(parsing: "1024")?.bytes == 1024)
        #expect(ByteSize(parsing: "16 megs") == nil)
        #expect(ByteSize(parsing: "MB") == nil)
        #expect(ByteSize(bytes: 200_000_000).description == "200MB")
    }

    @Test func durationsNeedAUnit() {
        #expect(TimeSpan.parse("300s") == .seconds(300))
        #expect(TimeSpan.parse("5m") == .seconds(300))
        #expect(TimeSpan.parse("1h30m") == .seconds(5400))
        #expect(TimeSpan.parse("250ms") == .milliseconds(250))
        #expect(TimeSpan.parse("300") == nil)
        #expect(TimeSpan.parse("5 minutes") == nil)
        #expect(TimeSpan.format(.seconds(5400)) == "1h30m")
    }

    @Test func aspectRatiosReduceAndAlias() {
        #expect(AspectRatio(parsing: "1280:720")?.description == "16:9")
        #expect(AspectRatio(parsing: "portrait")?.description == "9:16")
        #expect(AspectRatio(parsing: "Square")?.description == "1:1")
        #expect(AspectRatio(parsing: "16x9") == nil)
    }

    @Test func timestampsAreRFC3339() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_600_923_456).rfc3339 == "2026-11-25T10:02:03.456Z")
    }

    @Test func globsMatchErrorCodes() {
        #expect(GlobPattern("SAFETY.*").matches("SAFETY.INPUT.TEXT"))
        #expect(!GlobPattern("SAFETY.*").matches("INTERNAL"))
        #expect(GlobPattern("a?c*").matches("abcdef"))
        #expect(GlobPattern("*").matches(""))
    }

    /// The byte-by-byte `format` against the interpolating one it replaced: zero, negative,
    /// every unit alone and together, and a spread of durations up to years.
    @Test func formattedDurationsMatchTheInterpolatedOnes() {
        func interpolated(_ duration: Duration) -> String {
            var milliseconds = duration.milliseconds
            if milliseconds == 0 { return "0s" }
            var text = ""
            for (suffix, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1_000), ("ms", 1)] where milliseconds >= size {
                text += "\(milliseconds / size)\(suffix)"
                milliseconds %= size
            }
            return text
        }
        var values: [Int64] = [0, -1, -90_000, 1, 999, 1_000, 1_001, 59_999, 60_000, 90_000, 3_600_000, 3_600_001, 3_661_001, 86_400_000]
        var draws = SplitMix64(seed: 5)
        for _ in 0..<20_000 { values.append(Int64(draws.next() % 100_000_000_000)) }
        for value in values {
            let duration = Duration.milliseconds(value)
            #expect(TimeSpan.format(duration) == interpolated(duration), "\(value)")
            #expect(TimeSpan.format(duration, after: "open for ", before: " more") == "open for \(interpolated(duration)) more")
        }
        #expect(TimeSpan.format(.milliseconds(90_500)) == "1m30s500ms")
    }

    /// The byte-by-byte amount against the text it was written by before (interpolation and
    /// trimming), at the edges and on 20,000 amounts of every size, negative ones included.
    @Test func moneyIsWrittenAsBeforeEverywhere() {
        func interpolated(_ money: Money) -> String {
            let sign = money.micros < 0 ? "-" : ""
            let magnitude = money.micros.magnitude
            var fraction = String(magnitude % UInt64(Money.scale))
            fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
            while fraction.count > 2, fraction.last == "0" { fraction.removeLast() }
            return "\(sign)\(magnitude / UInt64(Money.scale)).\(fraction)"
        }
        var amounts: [Int64] = [
            0, 1, -1, 10, 100, 10_000, 100_000, 1_000_000, -1_000_000, 1_230_000, 39_000, 999_999, 1_000_001, .max, .min, .min + 1,
        ]
        var draws = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let scale = Int64(1) << Int64(draws.next() % 63)
            amounts.append(Int64(bitPattern: draws.next()) % scale)
        }
        for micros in amounts {
            #expect(Money(micros: micros).description == interpolated(Money(micros: micros)), "\(micros)")
        }
        #expect(Money(micros: 4_500_000).description == "4.50")
        #expect(Money(micros: -39_000).description == "-0.039")
        #expect(Money(micros: .min).description == "-9223372036854.775808")
    }

    /// The one-division `milliseconds` against `components`, truncated toward zero: at the
    /// edges, and on durations from attoseconds to centuries, negative ones included.
    @Test func millisecondsMatchComponentsEverywhere() {
        let edges: [Duration] = [
            .zero, .milliseconds(1), .milliseconds(-1), .nanoseconds(999_999), .nanoseconds(-999_999), .seconds(86_400),
            .seconds(Int64.max / 1_000), .seconds(Int64.min / 1_000), Duration(attoseconds: 1), Duration(attoseconds: -1),
        ]
        var draws = SplitMix64(seed: 7)
        var durations = edges
        for _ in 0..<20_000 {
            let scale = Int128(1) << Int128(draws.next() % 100)
            let value = Int128(Int64(bitPattern: draws.next())) % scale
            durations.append(Duration(attoseconds: value))
            durations.append(.milliseconds(Int64(bitPattern: draws.next()) % 10_000_000_000))
        }
        for duration in durations {
            #expect(duration.milliseconds == Duration.slowMilliseconds(duration), "\(duration)")
        }
        #expect(Duration(milliseconds: -1_234) == .milliseconds(-1_234))
        #expect(Duration(milliseconds: 86_400_000) == .seconds(86_400))
    }
}
