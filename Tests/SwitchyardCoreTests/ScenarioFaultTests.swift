import Testing

@testable import SwitchyardCore

/// "First matching draw wins, in order": one uniform draw against the running sum of the
/// probabilities of the faults active for that call at that time.
@Suite struct ScenarioFaultTests {
    let provider = ScenarioProvider(
        id: "veo3",
        faults: [
            ScenarioFault(effect: .status(.init(status: 500)), probability: 0.1),
            ScenarioFault(effect: .status(.init(status: 429, retryAfter: .seconds(2))), probability: 0.2),
            ScenarioFault(effect: .malformedJSON, probability: 0.5, calls: [.poll]),
            ScenarioFault(effect: .connectionReset, probability: 0.05, calls: [.submit, .poll]),
        ])

    func status(_ fault: ScenarioFault?) -> String {
        switch fault?.effect {
        case nil: "none"
        case .status(let reply): "\(reply.status)"
        case .connectionReset: "reset"
        case .malformedJSON: "malformed"
        default: "other"
        }
    }

    @Test func oneDrawPicksTheFirstFaultWhoseRunningSumExceedsIt() {
        let draws: [(Double, String)] = [
            (0, "500"), (0.099, "500"), (0.1, "429"), (0.299, "429"), (0.3001, "reset"), (0.349, "reset"), (0.3501, "none"), (0.999, "none"),
        ]
        for (draw, expected) in draws {
            #expect(status(provider.fault(for: .submit, at: .zero, draw: draw)) == expected, "draw \(draw)")
        }
    }

    @Test func faultsForOtherCallsTakeNoShare() {
        let draws: [(Double, String)] = [(0, "malformed"), (0.499, "malformed"), (0.5, "reset"), (0.549, "reset"), (0.55, "none")]
        for (draw, expected) in draws {
            #expect(status(provider.fault(for: .poll, at: .zero, draw: draw)) == expected, "draw \(draw)")
        }
        #expect(provider.fault(for: .result, at: .zero, draw: 0) == nil)
        #expect(provider.activeFaults(for: .cancel, at: .zero).isEmpty)
    }

    @Test func aWindowOpensAtFromAndClosesAtUntil() {
        let outage = ScenarioProvider(
            id: "veo3",
            faults: [
                ScenarioFault(
                    effect: .status(.init(status: 500)), probability: 1, window: ScenarioWindow(from: .seconds(600), until: .seconds(4200))),
                ScenarioFault(effect: .status(.init(status: 429)), probability: 0.5),
            ])
        let cases: [(Duration, Double, String)] = [
            (.zero, 0.2, "429"), (.zero, 0.7, "none"), (.seconds(599), 0.2, "429"),
            (.seconds(600), 0.2, "500"), (.seconds(600), 0.999, "500"), (.seconds(4199), 0.7, "500"),
            (.seconds(4200), 0.2, "429"), (.seconds(4200), 0.7, "none"),
        ]
        for (elapsed, draw, expected) in cases {
            #expect(status(outage.fault(for: .submit, at: elapsed, draw: draw)) == expected, "at \(elapsed), draw \(draw)")
        }
        #expect(outage.activeFaults(for: .submit, at: .seconds(700)).count == 2)
    }

    @Test func probabilityZeroNeverFiresAndOneAlwaysDoes() {
        let provider = ScenarioProvider(
            id: "p",
            faults: [
                ScenarioFault(effect: .connectionReset, probability: 0),
                ScenarioFault(effect: .malformedJSON, probability: 1),
                ScenarioFault(effect: .status(.init(status: 500)), probability: 1),
            ])
        for draw in [0, 0.5, 1.0.nextDown] {
            #expect(provider.fault(for: .submit, at: .zero, draw: draw)?.effect == .malformedJSON)
        }
    }

    @Test func frequenciesMatchProbabilitiesOverASeededStream() {
        var stream = Scenario(seed: 42).drawStream(for: "veo3")
        var counts: [String: Int] = [:]
        let total = 100_000
        for _ in 0..<total {
            counts[status(provider.fault(for: .submit, at: .zero, draw: stream.nextUnit())), default: 0] += 1
        }
        // Binomial standard deviations are at most 0.0016 here; 0.01 is over six of them.
        #expect(abs(Double(counts["500", default: 0]) / Double(total) - 0.1) < 0.01)
        #expect(abs(Double(counts["429", default: 0]) / Double(total) - 0.2) < 0.01)
        #expect(abs(Double(counts["reset", default: 0]) / Double(total) - 0.05) < 0.01)
    }

    @Test func drawStreamsAreReproduciblePerSeedAndProvider() {
        func first(_ seed: UInt64, _ id: String) -> [UInt64] {
            var stream = Scenario(seed: seed).drawStream(for: id)
            return (0..<4).map { _ in stream.next() }
        }
        #expect(first(7, "veo3") == first(7, "veo3"))
        #expect(first(7, "veo3") != first(7, "runway"))
        #expect(first(7, "veo3") != first(8, "veo3"))
    }

    @Test func jobsAreQueuedThenRunningThenDone() {
        let job = ScenarioJob(acceptedAt: .seconds(10), latency: .seconds(50))
        #expect(job.state(at: .seconds(10)) == .queued)
        #expect(job.state(at: .seconds(19)) == .queued)
        #expect(job.state(at: .seconds(20)) == .running)
        #expect(job.state(at: .seconds(59)) == .running)
        #expect(job.state(at: .seconds(60)) == .succeeded)
        #expect(job.progress(at: .seconds(35)) == 0.5)
        #expect(!job.isFinished(at: .seconds(59)) && job.isFinished(at: .seconds(60)))

        let failing = ScenarioJob(acceptedAt: .zero, latency: .seconds(5), failure: .init(code: "SAFETY.INPUT"))
        #expect(failing.state(at: .seconds(5)) == .failed)

        var canceled = ScenarioJob(acceptedAt: .zero, latency: .seconds(5))
        canceled.canceledAt = .seconds(2)
        #expect(canceled.state(at: .milliseconds(500)) == .queued)
        #expect(canceled.state(at: .seconds(2)) == .canceled)
        #expect(canceled.state(at: .seconds(9)) == .canceled)

        let instant = ScenarioJob(acceptedAt: .seconds(3), latency: .zero)
        #expect(instant.state(at: .seconds(3)) == .succeeded)
        #expect(instant.progress(at: .seconds(3)) == 1)
    }

    @Test func anOutcomeDrawsTheFaultThenTheLatencyOfAnAcceptedJob() {
        let provider = ScenarioProvider(
            id: "veo3", latency: .uniform(min: .seconds(10), max: .seconds(20)),
            faults: [
                ScenarioFault(effect: .status(.init(status: 500)), probability: 0.3),
                ScenarioFault(effect: .jobFailure(.init(code: "SAFETY.INPUT")), delay: .seconds(1), probability: 0.3),
            ])
        var draws = Scenario(seed: 3).drawStream(for: "veo3")
        var replay = Scenario(seed: 3).drawStream(for: "veo3")
        for _ in 0..<200 {
            let outcome = provider.outcome(of: .submit, at: .seconds(5), draws: &draws)
            let fault = provider.fault(for: .submit, at: .seconds(5), draw: replay.nextUnit())
            #expect(outcome.fault == fault)
            switch fault?.effect {
            case .status: #expect(outcome.job == nil)
            case .jobFailure:
                #expect(outcome.job?.failure?.code == "SAFETY.INPUT")
                #expect(outcome.job?.acceptedAt == .seconds(6))
                #expect(outcome.job?.latency == provider.latency.sample(replay.nextUnit()))
            default:
                #expect(outcome.job == ScenarioJob(acceptedAt: .seconds(5), latency: provider.latency.sample(replay.nextUnit())))
            }
        }
        #expect(provider.outcome(of: .poll, at: .zero, draws: &draws).job == nil)
    }
}
