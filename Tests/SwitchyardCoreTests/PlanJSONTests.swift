import OrderedCollections
import Testing

@testable import SwitchyardCore

/// `plan --batch` writes plans and bad-line errors straight to bytes; the decision log and the
/// single-request `plan` print the `JSONValue` tree. The two must stay byte-identical.
@Suite struct PlanJSONTests {
    private func direct(_ plan: Plan) -> String {
        let output = JSONByteWriter()
        plan.writeJSON(to: output)
        return output.string
    }

    private func direct(_ errors: RequestErrors, line: Int?) -> String {
        let output = JSONByteWriter()
        errors.writeJSON(line: line, to: output)
        return output.string
    }

    private func tree(_ errors: RequestErrors, line: Int?) -> String {
        var object = errors.json.objectValue ?? [:]
        if let line { object["line"] = .int(line) }
        return JSONValue.object(object).jsonString()
    }

    /// Plans and rejections of the shipped config over a grid of requests and world states:
    /// every tier, cost-cap, budget, capability, disabled and unavailable exclusions, empty plans.
    @Test func shippedConfigPlansAndRejectionsMatchTheTree() throws {
        let planner = Planner(config: try shippedConfig())
        let states = [
            WorldState.empty,
            WorldState(providers: ["veo3": .init(available: false, reason: "outage \"eu\"\n")], spentToday: ["user_1": Money(decimal: "95.5")!]),
            WorldState(providers: ["runway": .init(disabled: true), "nano-banana": .init(available: false)]),
            WorldState(spentToday: ["user_1": Money(decimal: "1000")!]),
        ]
        var plans = 0
        var rejections = 0
        var sawExclusion = false
        for state in states {
            for duration in [15, 30, 60, 90] {
                for quality in ["economy", "standard", "premium", nil, "ultra"] {
                    for ratio in ["16:9", "1:1", "4:3", nil] {
                        for (id, bytes) in [("req-1", 2_000_000), ("é \"quoted\" \\ \u{1}", 6_000_000), (nil, 800_000)] as [(String?, Int64)] {
                            let request = Request(
                                id: id, user: "user_1", kind: .video, prompt: "Hello", image: ImageInput(source: .path("photo.png"), bytes: bytes),
                                durationSeconds: duration, quality: quality, aspectRatio: ratio.flatMap(AspectRatio.init(parsing:)),
                                features: ["lip_sync": true])
                            switch planner.plan(request, state: state, draw: 0.37) {
                            case .success(let plan):
                                plans += 1
                                sawExclusion = sawExclusion || !plan.excluded.isEmpty
                                #expect(direct(plan) == plan.json.jsonString())
                            case .failure(let errors):
                                rejections += 1
                                #expect(direct(errors, line: 12) == tree(errors, line: 12))
                                #expect(direct(errors, line: nil) == errors.json.jsonString())
                            }
                        }
                    }
                }
            }
        }
        #expect(plans > 100)
        #expect(rejections > 100)
        #expect(sawExclusion)
    }

    /// Weighted and cheapest rules, a plan without a currency or first choice, and odd values.
    @Test func handBuiltPlansMatchTheTree() {
        let entry = PlanEntry(
            provider: "p\u{7F}\u{1F}", tier: "t", params: OutputParameters(), estimatedCost: Money(decimal: "0.000001")!, currency: "US\"D",
            downgrade: true, attemptTimeout: .milliseconds(1))
        var full = entry
        full.params = OutputParameters(
            resolution: Resolution(lines: 2160), bitrateKbps: -5, fps: Int.max, aspectRatio: AspectRatio(width: 21, height: 9), durationSeconds: 0)
        full.estimatedCost = Money(decimal: "123456789.5")!
        full.attemptTimeout = .seconds(86_400 * 365)
        let worst = WorstCase(attempts: 0, uncappedAttempts: Int.min, wallTime: .zero, uncappedWallTime: .milliseconds(1_500), cost: .zero)
        let plans = [
            Plan(
                requestID: nil, policy: "", rule: "r", tier: "standard", strategy: .weighted, entries: [], excluded: [], worstCase: worst,
                currency: nil, firstChoice: nil),
            Plan(
                requestID: "x\r\n\t\u{8}\u{C}/", policy: "p", rule: "\u{1F600} rule", tier: "economy", strategy: .cheapest, entries: [entry, full],
                excluded: [
                    Exclusion(provider: "a", tier: "b", reason: .budget, detail: "spent \"all\""),
                    Exclusion(provider: "c", tier: "d", reason: .costCap, detail: ""),
                ], worstCase: worst, currency: "INR", firstChoice: "c"),
        ]
        for plan in plans {
            #expect(direct(plan) == plan.json.jsonString())
        }
        let errors = RequestErrors([
            RequestError(field: "", message: "not valid JSON: unexpected '}'", code: "invalid_json"),
            RequestError(field: "voice.speed", message: "expected a number, got \"string\"\n", code: "invalid_field"),
        ])
        #expect(direct(errors, line: 3) == tree(errors, line: 3))
        #expect(direct(RequestErrors([]), line: 1) == tree(RequestErrors([]), line: 1))
    }

    /// The tree serializer and the byte writer share one implementation of each primitive.
    @Test func writerValueMatchesJSONString() throws {
        let value = try JSONValue.parse(#"{"a":[1,-2,3.5,1e-07,true,false,null,{"b":"\u0001\"\\"}],"c":{},"d":[]}"#)
        let output = JSONByteWriter()
        output.value(value)
        #expect(output.string == value.jsonString())
        #expect(value.jsonString() == #"{"a":[1,-2,3.5,1e-07,true,false,null,{"b":"\u0001\"\\"}],"c":{},"d":[]}"#)
    }

    /// Decimals are written without formatting a double, and must read exactly as the double
    /// would: at the edges of the fast path (10^-4, 15 digits, 2^53) and across random amounts.
    @Test func decimalsAreWrittenAsTheirDoubles() {
        func both(_ units: Int64, _ scale: Int) -> (String, String) {
            let decimal = JSONByteWriter()
            decimal.decimal(units, scale: scale)
            let double = JSONByteWriter()
            double.double(Double(units) / Double((0..<scale).reduce(Int64(1)) { product, _ in product * 10 }))
            return (decimal.string, double.string)
        }
        var edges: [Int64] = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 1_000_000, 1_500_000, 123_456_789, 999_999_999_999_999]
        edges += [1_000_000_000_000_000, 9_007_199_254_740_993, .max, .min + 1]
        var random = SplitMix64(seed: 11)
        for _ in 0..<5000 { edges.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 60)) }
        for units in edges {
            for scale in [0, 3, 6] {
                let (decimal, double) = both(units, scale)
                #expect(decimal == double, "\(units) at scale \(scale)")
            }
        }
    }
}
