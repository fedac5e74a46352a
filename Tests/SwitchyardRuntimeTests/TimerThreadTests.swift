import Synchronization
import Testing

@testable import SwitchyardRuntime

/// The live runtime's timers. No assertion here is about how long anything took: only order,
/// and what fires at all.
@Suite(.timeLimit(.minutes(1))) struct TimerThreadTests {
    @Test func timersFireInTheOrderTheyAreDue() async {
        let timers = TimerThread(name: "test-timers")
        defer { timers.stop() }
        let (fired, continuation) = AsyncStream.makeStream(of: Int.self)
        for milliseconds in [300, 100, 200] {
            _ = timers.schedule(after: .milliseconds(milliseconds)) { continuation.yield(milliseconds) }
        }
        var order: [Int] = []
        for await value in fired {
            order.append(value)
            if order.count == 3 { break }
        }
        #expect(order == [100, 200, 300])
    }

    @Test func aCancelledTimerNeverFires() async {
        let timers = TimerThread(name: "test-timers")
        defer { timers.stop() }
        let (fired, continuation) = AsyncStream.makeStream(of: String.self)
        let cancelled = timers.schedule(after: .milliseconds(50)) { continuation.yield("cancelled") }
        _ = timers.schedule(after: .milliseconds(150)) { continuation.yield("kept") }
        cancelled.cancel()
        // Had the first fired, it would have come before the second.
        var iterator = fired.makeAsyncIterator()
        #expect(await iterator.next() == "kept")
    }

    @Test func anEarlierTimerWakesAThreadWaitingForALaterOne() async {
        let timers = TimerThread(name: "test-timers")
        defer { timers.stop() }
        let (fired, continuation) = AsyncStream.makeStream(of: String.self)
        _ = timers.schedule(after: .seconds(3600)) { continuation.yield("late") }
        // Give the thread time to start sleeping for the hour; the test's time limit catches a
        // thread that is never woken.
        try? await Task.sleep(for: .milliseconds(50))
        _ = timers.schedule(after: .milliseconds(10)) { continuation.yield("soon") }
        var iterator = fired.makeAsyncIterator()
        #expect(await iterator.next() == "soon")
    }

    @Test func manyCancelledTimersAreDroppedWithoutLosingLiveOnes() async {
        let timers = TimerThread(name: "test-timers")
        defer { timers.stop() }
        let (fired, continuation) = AsyncStream.makeStream(of: Int.self)
        // Enough cancelled long timers to trigger a rebuild of the heap, then one live timer.
        for _ in 0..<5000 { timers.schedule(after: .seconds(3600)) { continuation.yield(-1) }.cancel() }
        _ = timers.schedule(after: .milliseconds(20)) { continuation.yield(1) }
        var iterator = fired.makeAsyncIterator()
        #expect(await iterator.next() == 1)
    }
}
