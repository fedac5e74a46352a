import Foundation

/// An iterator run on a thread of its own, ahead of its consumer, so that slow elements (parsed
/// traffic lines) are ready when asked for and the consumer's thread spends no time making them.
///
/// Elements come over in batches, so a lock is taken once a batch, not once an element; at most
/// `batchesAhead` batches wait, so memory stays flat however long the base is. Dropping the
/// iterator stops its thread and waits for it: the base is never advanced after that.
///
/// `Base` is `SendableMetatype` because its conformance is used on the other thread, so it must
/// not be isolated to an actor.
final class Prefetched<Base: IteratorProtocol & SendableMetatype>: IteratorProtocol {
    typealias Element = Base.Element

    private let channel: Channel
    /// The batch being consumed, reversed, so each element is moved out instead of copied.
    private var batch: [Element] = []

    /// Starts reading `base` on a new thread.
    /// - Parameters:
    ///   - base: from now on advanced only by that thread.
    ///   - batchSize: elements handed over at a time.
    ///   - batchesAhead: full batches waiting for the consumer at most, besides the one being filled.
    init(_ base: consuming Base, batchSize: Int = 1024, batchesAhead: Int = 4) {
        precondition(batchSize > 0 && batchesAhead > 0)
        channel = Channel(base: base, batchSize: batchSize, batchesAhead: batchesAhead)
        let thread = Thread { [channel] in channel.produce() }
        thread.name = "prefetch"
        // The main thread's size: parsing a deeply nested line recurses, and a secondary
        // thread's default stack is smaller (512 KiB on macOS).
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit { channel.cancel() }

    func next() -> Element? {
        if let element = batch.popLast() { return element }
        guard let next = channel.take() else { return nil }
        batch = next
        return batch.popLast()
    }
}

extension Prefetched {
    /// What the two threads share. Unchecked, yet safe: `base` belongs to the producer thread
    /// alone once it starts (`Thread.start` happens before the thread's block runs), and every
    /// other field is read and written only under `condition`, so a batch, and every element
    /// in it, passes from one thread to the other exactly once, under the lock.
    fileprivate final class Channel: @unchecked Sendable {
        private let condition = NSCondition()
        private var base: Base?
        private let batchSize: Int
        private let batchesAhead: Int
        /// Full batches, oldest first, each reversed.
        private var ready: [[Element]] = []
        /// The consumer is gone: the producer stops at its next batch.
        private var cancelled = false
        /// The producer is done with the base, and has let go of it.
        private var finished = false

        init(base: consuming Base, batchSize: Int, batchesAhead: Int) {
            self.base = base
            self.batchSize = batchSize
            self.batchesAhead = batchesAhead
        }

        /// The producer thread's body.
        func produce() {
            fill(from: base.take()!)
            condition.lock()
            finished = true
            condition.signal()
            condition.unlock()
        }

        /// Reads the base batch by batch until it ends or the consumer is gone; the base is
        /// destroyed on return, before `finished` is set.
        private func fill(from base: consuming Base) {
            while true {
                var batch: [Element] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let element = base.next() { batch.append(element) }
                let ended = batch.count < batchSize
                // Through the buffer, whose swaps move elements; the array's own would copy them.
                batch.withUnsafeMutableBufferPointer { $0.reverse() }
                condition.lock()
                while ready.count >= batchesAhead, !cancelled { condition.wait() }
                let stop = ended || cancelled
                if !cancelled, !batch.isEmpty {
                    ready.append(batch)
                    condition.signal()
                }
                condition.unlock()
                if stop { return }
            }
        }

        /// The next batch, waiting for it if need be; nil once the producer has finished.
        func take() -> [Element]? {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty, !finished { condition.wait() }
            guard !ready.isEmpty else { return nil }
            condition.signal()
            return ready.removeFirst()
        }

        /// Stops the producer and waits until it has let go of the base: at most the batch it is
        /// filling is read after this is called.
        func cancel() {
            condition.lock()
            defer { condition.unlock() }
            cancelled = true
            ready.removeAll()
            condition.signal()
            while !finished { condition.wait() }
        }
    }
}
