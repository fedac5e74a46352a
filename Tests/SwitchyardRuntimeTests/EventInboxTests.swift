import SwitchyardCore
import Testing

@testable import SwitchyardRuntime

@Suite struct EventInboxTests {
    /// Events posted before the executor waits, and while it waits, come out in posting order.
    @Test func deliversInOrderWhetherPostedBeforeOrDuringTheWait() async {
        let inbox = EventInbox()
        inbox.post(.timer(TimerID(1)))
        inbox.post(.timer(TimerID(2)))
        #expect(await inbox.next() == .timer(TimerID(1)))
        #expect(await inbox.next() == .timer(TimerID(2)))
        let waiting = Task { await inbox.next() }
        // Posted from another thread while the task may or may not be waiting yet.
        Task.detached { inbox.post(.rejected(CallID(3), reason: "at its rate limit")) }
        #expect(await waiting.value == .rejected(CallID(3), reason: "at its rate limit"))
    }

    /// A cancelled wait ends with nil, as a cancelled request does; what arrives later is dropped.
    @Test func aCancelledWaitEndsWithNil() async {
        let inbox = EventInbox()
        let waiting = Task { await inbox.next() }
        waiting.cancel()
        #expect(await waiting.value == nil)
        inbox.post(.timer(TimerID(1)))
        #expect(await inbox.next() == nil)
    }

    /// Cancelled with answers still queued, the run stops rather than take another step.
    @Test func aCancelledRunStopsBeforeQueuedEvents() async {
        let inbox = EventInbox()
        inbox.post(.timer(TimerID(1)))
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await inbox.next()
        }
        #expect(await cancelled.value == nil)
    }
}
