import SwitchyardCore
import Synchronization

/// Everything a running emulator remembers: its start, each provider's draw stream, the jobs
/// and the idempotency keys. One lock around it all: every operation is short and never waits.
final class EmulatorState: Sendable {
    private struct Storage {
        /// The time of the start, by the emulator's timing; windows count from it.
        var startedAt: Duration?
        /// `http://127.0.0.1:PORT`, for the absolute URLs some answers carry.
        var origin = ""
        /// Each provider's scenario stream, made on its first draw.
        var streams: [EmulatedProvider: SplitMix64] = [:]
        /// Draws for job ids, apart from the scenario's streams so ids never shift fault draws.
        var ids: SplitMix64
        var jobs: [String: EmulatedJob] = [:]
        /// `provider/key` → job id.
        var idempotency: [String: String] = [:]

        mutating func nextDraw(for provider: EmulatedProvider, in scenario: Scenario) -> Double {
            streams[provider, default: scenario.drawStream(for: provider.id)].nextUnit()
        }
    }

    let scenario: Scenario
    private let storage: Mutex<Storage>

    init(scenario: Scenario) {
        self.scenario = scenario
        storage = Mutex(Storage(ids: SplitMix64(seed: scenario.seed ^ 0x6A09_E667_F3BC_C908)))
    }

    /// Marks the start: scenario windows are measured from here.
    func start(at now: Duration, origin: String) {
        storage.withLock {
            $0.startedAt = now
            $0.origin = origin
        }
    }

    /// `http://127.0.0.1:PORT`, once started.
    var origin: String { storage.withLock { $0.origin } }

    /// Time since the start.
    func elapsed(_ now: Duration) -> Duration {
        storage.withLock { now - ($0.startedAt ?? now) }
    }

    /// The next uniform draw of a provider's stream.
    func draw(for provider: EmulatedProvider) -> Double {
        storage.withLock { $0.nextDraw(for: provider, in: scenario) }
    }

    /// Accepts a job: its latency is the provider's next draw. A repeated idempotency key
    /// returns the job it first made, and draws nothing.
    func accept(
        _ request: JobRequest, provider: EmulatedProvider, at elapsed: Duration, failure: ScenarioFault.JobFailure?,
        idempotencyKey: String?
    ) -> EmulatedJob {
        storage.withLock { storage in
            let keyName = idempotencyKey.map { "\(provider.id)/\($0)" }
            if let keyName, let id = storage.idempotency[keyName], let job = storage.jobs[id] { return job }
            let draw = storage.nextDraw(for: provider, in: scenario)
            let latency = scenario.provider(provider.id).latency.sample(draw)
            let id = provider.jobID(high: storage.ids.next(), low: storage.ids.next())
            let job = EmulatedJob(
                id: id, provider: provider, timeline: ScenarioJob(acceptedAt: elapsed, latency: latency, failure: failure),
                durationSeconds: request.durationSeconds, details: request.details)
            storage.jobs[id] = job
            if let keyName { storage.idempotency[keyName] = id }
            return job
        }
    }

    /// The provider's job with this id.
    func job(_ id: String, of provider: EmulatedProvider) -> EmulatedJob? {
        storage.withLock { $0.jobs[id] }.flatMap { $0.provider == provider ? $0 : nil }
    }

    /// Cancels the job unless it has ended; returns the job as it is afterwards.
    func cancel(_ id: String, of provider: EmulatedProvider, at elapsed: Duration) -> EmulatedJob? {
        storage.withLock { storage in
            guard var job = storage.jobs[id], job.provider == provider else { return nil }
            if !job.timeline.isFinished(at: elapsed) {
                job.timeline.canceledAt = elapsed
                storage.jobs[id] = job
            }
            return job
        }
    }
}

extension EmulatedProvider {
    /// A job id in the provider's style, from 128 random bits.
    func jobID(high: UInt64, low: UInt64) -> String {
        switch self {
        case .veo3: return "job_" + hex(high, 16) + hex(low, 16)
        case .runway, .nanoBanana:
            // A version-4 UUID, as both providers hand out.
            let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
            let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
            let h = hex(high, 16)
            let l = hex(low, 16)
            return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.suffix(4))-\(l.prefix(4))-\(l.suffix(12))"
        }
    }

    private func hex(_ value: UInt64, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
