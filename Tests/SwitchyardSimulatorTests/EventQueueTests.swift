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
}
