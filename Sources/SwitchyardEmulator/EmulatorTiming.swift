/// The emulator's view of a clock: time since an origin, and sleeping. Built from any
/// `Clock` so tests can drive time by hand.
struct EmulatorTiming: Sendable {
    /// Time since the timing was made; only differences matter.
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(for: duration) }
    }
}
