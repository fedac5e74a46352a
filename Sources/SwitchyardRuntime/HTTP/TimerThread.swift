import Foundation
import HeapModule
import Synchronization

/// Every timer of the live runtime on one thread: a heap of deadlines behind a lock, and a
/// thread that sleeps until the earliest.
///
/// `Task.sleep` arms a dispatch timer for each sleep and leaves it armed after a cancel; an
/// event-loop timer wakes the loop's thread on every schedule and every cancel. Here a timer due
/// after the earliest one (the usual case: every request sets its deadline the same distance
/// ahead) costs a lock and a heap push, and a cancel is one atomic store. Cancelled timers stay
/// in the heap until they are due, unless they come to outnumber the live ones.
final class TimerThread: Sendable {
    /// One scheduled piece of work.
    final class Timer: Sendable {
        fileprivate let work: @Sendable () -> Void
        fileprivate let cancelled = Atomic(false)

        fileprivate init(work: @escaping @Sendable () -> Void) { self.work = work }

        /// Stops the timer if it has not fired; harmless after.
        func cancel() { cancelled.store(true, ordering: .relaxed) }

        fileprivate var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    }

    private let core = Core()

    init(name: String) {
        let thread = Thread { [core] in core.run() }
        thread.name = name
        thread.start()
    }

    deinit { core.stop() }

    /// Runs `work` on the timer thread after `delay`, unless cancelled first.
    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> Timer {
        let timer = Timer(work: work)
        let nanoseconds = max(0, Double(delay.components.seconds) * 1e9 + Double(delay.components.attoseconds) / 1e9)
        core.add(timer, due: Core.now() &+ UInt64(min(nanoseconds, Double(UInt64.max / 2))))
        return timer
    }

    /// Ends the thread; timers not yet due never fire.
    func stop() { core.stop() }
}

/// The heap and the thread's loop. Unchecked: every field is guarded by `condition`.
private final class Core: @unchecked Sendable {
    /// Ordered by when it is due, then by when it was added.
    private struct Entry: Comparable {
        var due: UInt64
        var sequence: UInt64
        var timer: TimerThread.Timer

        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence) }
        static func == (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.sequence) == (rhs.due, rhs.sequence) }
    }

    private let condition = NSCondition()
    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0
    /// What the thread sleeps until; `.max` while it waits for any timer.
    private var sleepingUntil: UInt64 = .max
    private var stopped = false

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func add(_ timer: TimerThread.Timer, due: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        sequence += 1
        heap.insert(Entry(due: due, sequence: sequence, timer: timer))
        if heap.count > 1024, heap.count.isMultiple(of: 1024) { dropCancelledIfMost() }
        // Only a timer due before the thread's wake-up needs to wake it.
        if due < sleepingUntil { condition.signal() }
    }

    func stop() {
        condition.lock()
        stopped = true
        heap = Heap()
        condition.signal()
        condition.unlock()
    }

    func run() {
        condition.lock()
        while !stopped {
            guard let first = heap.min else {
                sleepingUntil = .max
                condition.wait()
                continue
            }
            let now = Self.now()
            guard first.due <= now else {
                sleepingUntil = first.due
                // Woken by a new timer or by the time: either way the loop looks again.
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(first.due - now) / 1e9))
                continue
            }
            heap.removeMin()
            guard !first.timer.isCancelled else { continue }
            condition.unlock()
            first.timer.work()
            condition.lock()
        }
        condition.unlock()
    }

    /// Rebuilds the heap without cancelled timers when they are most of it, so a burst of
    /// short requests with long deadlines does not hold their timers for the deadline's length.
    private func dropCancelledIfMost() {
        let live = heap.unordered.filter { !$0.timer.isCancelled }
        guard live.count * 2 < heap.count else { return }
        heap = Heap(live)
    }
}
