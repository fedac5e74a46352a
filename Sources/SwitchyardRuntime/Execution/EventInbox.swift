import SwitchyardCore
import Synchronization

/// Where one execution's events arrive (answers from the HTTP client's threads, timers from
/// the timer thread) and where the executor waits for the next. A lock and one continuation:
/// cheaper, per request, than an `AsyncStream` and a task per call feeding it.
final class EventInbox: Sendable {
    private struct State {
        /// Rarely more than one: an execution has at most a call and a few timers out.
        var events: [ExecutionEvent] = []
        var waiter: UnsafeContinuation<ExecutionEvent?, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Delivers `event`; after the wait was cancelled, it is dropped.
    func post(_ event: ExecutionEvent) {
        let waiter = state.withLock { state -> UnsafeContinuation<ExecutionEvent?, Never>? in
            guard !state.cancelled else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.events.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// The next event, in arrival order; nil once the waiting task is cancelled, whatever is
    /// still queued.
    func next() async -> ExecutionEvent? {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let ready = state.withLock { state -> ExecutionEvent?? in
                    // A cancelled run stops at once, even with answers waiting: a step could
                    // start another call.
                    if state.cancelled { return .some(nil) }
                    if !state.events.isEmpty { return .some(state.events.removeFirst()) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> UnsafeContinuation<ExecutionEvent?, Never>? in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
