import Synchronization
import Testing

@testable import switchyard

/// The traffic reader's second thread: every element in order, never far ahead, never left running.
@Suite struct PrefetchedTests {
    /// Counts 1, 2, 3... up to `limit`, and tallies how far it was read, for the test to see.
    struct Counting: IteratorProtocol {
        final class Tally: Sendable { let reads = Atomic(0) }

        let tally: Tally
        let limit: Int

        mutating func next() -> Int? {
            let read = tally.reads.load(ordering: .relaxed)
            guard read < limit else { return nil }
            tally.reads.store(read + 1, ordering: .relaxed)
            return read + 1
        }
    }

    static let batchSize = 8
    static let batchesAhead = 2
    /// How far the base may be read past what the consumer took: the full batches waiting, the
    /// one being filled, and the rest of the one being consumed.
    static let lead = (batchesAhead + 2) * batchSize

    @Test(arguments: [0, 1, 7, 8, 9, 16, 1_000])
    func everyElementComesOutOnceInOrder(count: Int) {
        let iterator = Prefetched(
            Counting(tally: .init(), limit: count), batchSize: Self.batchSize, batchesAhead: Self.batchesAhead)
        var seen: [Int] = []
        while let element = iterator.next() { seen.append(element) }
        #expect(seen == Array(1..<count + 1))
        #expect(iterator.next() == nil)
    }

    @Test func theBaseIsReadABoundedWayAhead() {
        let tally = Counting.Tally()
        let iterator = Prefetched(Counting(tally: tally, limit: 1_000), batchSize: Self.batchSize, batchesAhead: Self.batchesAhead)
        for taken in 1...1_000 {
            #expect(iterator.next() == taken)
            #expect(tally.reads.load(ordering: .relaxed) <= taken + Self.lead)
        }
    }

    @Test func droppingTheIteratorStopsItsThread() {
        var tally = Counting.Tally()
        do {
            let iterator = Prefetched(
                Counting(tally: tally, limit: .max), batchSize: Self.batchSize, batchesAhead: Self.batchesAhead)
            for _ in 1...20 { _ = iterator.next() }
        }
        // Dropping waits for the thread to let go of the base, so the tally is ours alone again
        // and no read comes after this.
        #expect(isKnownUniquelyReferenced(&tally))
        let reads = tally.reads.load(ordering: .relaxed)
        #expect(reads <= 20 + Self.lead)
    }
}
