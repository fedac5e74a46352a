import Foundation
import Testing

@testable import SwitchyardCore

/// Generated traffic: the documented processes, a reproducible mix, and located errors.
@Suite struct ScenarioArrivalsTests {
    static func scenario(_ arrivals: String) throws -> Scenario {
        let result = Scenario.load(text: "seed: 5\narrivals:\n" + arrivals, path: "s.yaml")
        return try #require(result.scenario, "\(result.diagnostics)")
    }

    static let mix = """
          mix:
            - weight: 3
              request: {user: "u{user}", kind: video, prompt: "clip {n}", duration_s: 20, quality: standard}
            - weight: 1
              request: {kind: video, prompt: "same every time", duration_s: 30, quality: economy}
        """

    func arrivals(_ scenario: Scenario) -> [ScenarioArrivals.Arrival] {
        Array(IteratorSequence(scenario.arrivals!.makeIterator(seed: scenario.seed)))
    }

    @Test func placeholdersAreFilledAndOtherBracesKept() {
        func fill(_ text: String, _ number: Int = 42, _ user: Int = 7) -> String {
            ScenarioArrivals.placeholdersFilled(text, number: DecimalDigits(number), user: DecimalDigits(user))
        }
        #expect(fill("clip {n} for user_{user}, {n}") == "clip 42 for user_7, 42")
        #expect(fill("{nope} {user") == "{nope} {user")
        #expect(fill("{n}{user}") == "427")
        #expect(fill("héllo {n} ✓") == "héllo 42 ✓")
        #expect(fill("plain") == "plain")
        // Edges: empty, a lone or unclosed brace, nested braces, repeats, signs and large numbers.
        #expect(fill("") == "")
        #expect(fill("{") == "{")
        #expect(fill("{n") == "{n")
        #expect(fill("{{n}}") == "{42}")
        #expect(fill("{user}{user}", 0, 0) == "00")
        #expect(fill("n={n}", -1) == "n=-1")
        #expect(fill("{n}/{user}", Int.max, 123_456) == "\(Int.max)/123456")
        #expect(fill("{n}", Int.min) == "\(Int.min)")
    }

    /// Entries are decoded once and only their free-text fields filled in per arrival; entries
    /// with placeholders in checked fields are decoded per arrival. Either way, an arrival is
    /// the request that substituting the JSON and decoding it gives.
    @Test func everyArrivalIsTheRequestItsEntryDecodesTo() throws {
        let scenario = try Self.scenario(
            """
              process: uniform
              rate_per_s: 1
              count: 40
              users: 6
              mix:
                - weight: 1
                  request: {user: "u{user}", kind: video, prompt: "clip {n}", quality: "q{n}", metadata: {team: "t{user}", n: ["{n}"]},
                            voice: {name: "v{user}"}, duration_s: 5}
                - weight: 1
                  request: {user: "u{user}", kind: video, prompt: "photo {n}", image: {path: "photos/{user}.png"}}
                - weight: 1
                  request: {kind: video, prompt: "plain"}
            """)
        let entries = scenario.arrivals!.mix.map(\.request)
        for arrival in arrivals(scenario) {
            let number = Int(arrival.request.id!.dropFirst("arrival-".count))!
            let user = arrival.request.user.map { Int($0.dropFirst())! } ?? 0
            let expected = entries.lazy.compactMap { entry -> Request? in
                guard var request = try? ScenarioArrivals.request(from: entry, number: number, user: user).get() else { return nil }
                request.id = arrival.request.id
                return request
            }.first { $0 == arrival.request }
            #expect(expected != nil, "\(arrival.request)")
        }
        #expect(Set(arrivals(scenario).compactMap { $0.request.image.map { "\($0.source)" } }).count > 1)
    }

    @Test func poissonArrivalsHaveTheRequestedRateAndMix() throws {
        let scenario = try Self.scenario("  process: poisson\n  rate_per_s: 4\n  count: 20000\n  users: 50\n" + Self.mix)
        let generated = arrivals(scenario)
        #expect(generated.count == 20_000)
        #expect(zip(generated, generated.dropFirst()).allSatisfy { $0.at <= $1.at })
        // 20,000 exponential gaps of mean 0.25 s: the total is within 3% of 5,000 s (> 4 sigma).
        let span = Double(generated.last!.at.milliseconds) / 1000
        #expect(abs(span - 5_000) < 150)
        let economy = generated.filter { $0.request.quality == "economy" }.count
        #expect(abs(Double(economy) / 20_000 - 0.25) < 0.02)
        #expect(generated[0].request.id == "arrival-1" && generated[19_999].request.id == "arrival-20000")
        let users = Set(generated.compactMap(\.request.user))
        #expect(users.count == 50 && users.allSatisfy { $0.hasPrefix("u") })
        let standard = try #require(generated.first { $0.request.quality == "standard" })
        #expect(standard.request.prompt == "clip \(standard.request.id!.dropFirst("arrival-".count))")
    }

    @Test func uniformArrivalsAreEvenlySpacedFromTheirStart() throws {
        let scenario = try Self.scenario("  process: uniform\n  rate_per_s: 2\n  count: 5\n  from: 10m\n" + Self.mix)
        #expect(arrivals(scenario).map(\.at) == [600_000, 600_500, 601_000, 601_500, 602_000].map { .milliseconds($0) })
    }

    @Test func theSameSeedGivesTheSameTraffic() throws {
        let text = "  process: poisson\n  rate_per_s: 1\n  count: 500\n  users: 9\n" + Self.mix
        let a = arrivals(try Self.scenario(text))
        #expect(a == arrivals(try Self.scenario(text)))
        var other = try Self.scenario(text)
        other.seed = 6
        #expect(a != arrivals(other))
    }

    @Test func mistakesAreReportedAtTheirLines() {
        let text = """
            arrivals:
              process: poison
              rate_per_s: 0
              count: 10
              mix:
                - weight: 1
                  request: {id: x, kind: video}
                - request: {kind: video, qualty: economy}
            """
        let messages = Scenario.load(text: text, path: "s.yaml").diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("s.yaml:2:12:") && $0.contains("did you mean 'poisson'") })
        #expect(messages.contains { $0.hasPrefix("s.yaml:3:15:") && $0.contains("more than 0") })
        #expect(messages.contains { $0.hasPrefix("s.yaml:7:16:") && $0.contains("remove 'id'") })
        #expect(
            messages.contains {
                $0.hasPrefix("s.yaml:8:16:") && $0.contains("'arrivals.mix[1].request.qualty'") && $0.contains("did you mean 'quality'")
            })
        let zero = Scenario.load(
            text: "arrivals: {process: uniform, rate_per_s: 1, count: 1, mix: [{weight: 0, request: {kind: video}}]}", path: "z.yaml")
        #expect(zero.scenario == nil)
        #expect(zero.diagnostics.map(\.description).contains { $0.contains("add up to 0") })
    }

    @Test func mixRequestsShareFieldsThroughMergeKeys() throws {
        let result = Scenario.load(
            text: """
                x-base: &base {kind: video, prompt: hi, duration_s: 20, quality: standard}
                arrivals:
                  process: uniform
                  rate_per_s: 1
                  count: 1
                  mix: [{request: {<<: *base, quality: economy}}]
                """, path: "m.yaml")
        let scenario = try #require(result.scenario, "\(result.diagnostics)")
        let request = try #require(scenario.arrivals?.mix.first?.request)
        #expect(request["quality"] == "economy")
        #expect(request["duration_s"] == 20)
        #expect(request["<<"] == nil)
    }

    /// Arrival numbers are written without `description`; they must read the same.
    @Test func decimalsMatchDescription() {
        var draws = SplitMix64(seed: 11)
        var numbers = [0, 1, 9, 10, -1, -10, 99_999, Int.max, Int.min, Int.min + 1]
        for _ in 0..<1_000 { numbers.append(Int(bitPattern: UInt(draws.next())) >> Int(draws.next() % 64)) }
        for number in numbers {
            #expect(String("", decimal: number) == String(number))
            #expect(String("arrival-", decimal: number) == "arrival-\(number)")
            #expect(String("a-provider-with-a-long-name-", decimal: number) == "a-provider-with-a-long-name-\(number)")
        }
    }
}
