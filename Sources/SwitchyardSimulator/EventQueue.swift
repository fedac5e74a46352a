/// A min-heap of timed events; ties keep their insertion order, so runs are deterministic.
///
/// The heap orders small (time, sequence, slot) triples; the events themselves stay put in
/// `slots`, so sifting moves 24 bytes at a time rather than whole requests and responses.
struct EventQueue<Event> {
    private var heap: [Entry] = []
    private var slots: [Event?] = []
    private var freeSlots: [Int] = []
    private var sequence = 0

    private struct Entry {
        var time: Int64
        var sequence: Int
        var slot: Int

        func isBefore(_ other: Entry) -> Bool {
            time == other.time ? sequence < other.sequence : time < other.time
        }
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// Takes the next sequence number for an event kept outside the queue, so it still orders
    /// against queued events as if it had been pushed now.
    mutating func reserveSequence() -> Int {
        sequence += 1
        return sequence
    }

    /// Whether the next queued event comes before an event at `time` that took `sequence`.
    func hasEvent(before time: Int64, sequence: Int) -> Bool {
        guard let top = heap.first else { return false }
        return top.isBefore(Entry(time: time, sequence: sequence, slot: 0))
    }

    mutating func push(_ event: Event, at time: Int64) {
        push(event, at: time, sequence: reserveSequence())
    }

    private mutating func push(_ event: Event, at time: Int64, sequence: Int) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = event
        } else {
            slot = slots.count
            slots.append(event)
        }
        heap.append(Entry(time: time, sequence: sequence, slot: slot))
        var child = heap.count - 1
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.isBefore(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    mutating func pop() -> (time: Int64, event: Event)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                let right = left + 1
                let smaller = right < heap.count && heap[right].isBefore(heap[left]) ? right : left
                guard heap[smaller].isBefore(last) else { break }
                heap[parent] = heap[smaller]
                parent = smaller
            }
            heap[parent] = last
        }
        let event = slots[top.slot].take()!
        freeSlots.append(top.slot)
        return (top.time, event)
    }
}
