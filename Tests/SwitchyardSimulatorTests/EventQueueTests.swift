import SwitchyardCore
import Testing

@testable import SwitchyardSimulator

@Suite struct EventQueueTests {
    /// Random pushes and pops, interleaved, against a reference kept sorted by time and then by
    /// insertion: the same events come out in the same order, ties first-in first-out.
    @Test func popsInTimeOrderWithTiesInInsertionOrder() {
        var queue = EventQueue<Int>()
        var reference: [(time: Int64, number: Int)] = []
        var draws = SplitMix64(seed: 3)
        var number = 0
        var popped: [Int] = []
        var expected: [Int] = []
        for _ in 0..<10_000 {
            if draws.nextUnit() < 0.55 {
                // Few distinct times, so ties are common.
                let time = Int64(draws.nextUnit() * 50)
                number += 1
                queue.push(number, at: time)
                reference.append((time, number))
            } else if let (time, event) = queue.pop() {
                popped.append(event)
                let index = reference.indices.min { (reference[$0].time, reference[$0].number) < (reference[$1].time, reference[$1].number) }!
                let next = reference.remove(at: index)
                expected.append(next.number)
                #expect(time == next.time)
            }
            #expect(queue.count == reference.count)
        }
        while let (_, event) = queue.pop() { popped.append(event) }
        expected += reference.sorted { ($0.time, $0.number) < ($1.time, $1.number) }.map(\.number)
        #expect(popped == expected)
        #expect(queue.isEmpty)
    }

    /// Removals mixed in: a removed event never comes out, one already popped is left alone,
    /// and the rest still come out in order, through the compactions many removals cause.
    @Test func removedEventsNeverComeOut() {
        var queue = EventQueue<Int>()
        var reference: [(time: Int64, number: Int)] = []
        var handles: [(number: Int, handle: EventQueue<Int>.Handle)] = []
        var draws = SplitMix64(seed: 9)
        var number = 0
        var removed = Set<Int>()
        var popped: [Int] = []
        for _ in 0..<20_000 {
            let draw = draws.nextUnit()
            if draw < 0.5 {
                let time = Int64(draws.nextUnit() * 500)
                number += 1
                handles.append((number, queue.push(number, at: time)))
                reference.append((time, number))
            } else if draw < 0.8, !handles.isEmpty {
                // Any handle, including ones whose event has already left.
                let (target, handle) = handles[Int(draws.nextUnit() * Double(handles.count))]
                let wasQueued = reference.contains { $0.number == target }
                #expect(queue.isQueued(handle) == wasQueued)
                queue.remove(handle)
                #expect(!queue.isQueued(handle))
                if wasQueued {
                    reference.removeAll { $0.number == target }
                    removed.insert(target)
                }
            } else if queue.hasEvent(before: .max, sequence: .max), let (time, event) = queue.pop() {
                let next = reference.min { ($0.time, $0.number) < ($1.time, $1.number) }!
                #expect(event == next.number)
                #expect(time == next.time)
                reference.removeAll { $0.number == event }
                popped.append(event)
            }
            #expect(queue.count == reference.count)
        }
        #expect(!removed.isEmpty)
        #expect(removed.isDisjoint(with: popped))
        while let (_, event) = queue.pop() { popped.append(event) }
        #expect(removed.isDisjoint(with: popped))
        #expect(queue.isEmpty)
    }
}
