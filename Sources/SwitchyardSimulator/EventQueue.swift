/// A min-heap of timed events; ties keep their insertion order, so runs are deterministic.
///
/// The heap orders small (time, sequence, slot) triples; the events themselves stay put in
/// `slots`, so sifting moves 24 bytes at a time rather than whole requests and responses.
///
/// An event can be removed before it is due (a finished request's deadline timer). Removal
/// only empties its slot; the heap drops the entry when it reaches the top, or all such
/// entries at once when they are half of the heap. Without removal, every request's deadline
/// would stay queued long after the request, and the heap would be as deep as the deadline is
/// long in arrivals.
struct EventQueue<Event> {
    /// The earliest entry, kept out of the heap when it arrived as the new earliest: the
    /// simulator's answers mostly come due at once, and are popped next. Earlier than every
    /// entry in `heap`.
    private var front: Entry?
    private var heap: [Entry] = []
    private var slots: [Event?] = []
    /// Bumped whenever a slot is freed, so a handle to an event that has left finds nothing.
    private var generations: [UInt32] = []
    private var freeSlots: [Int] = []
    private var sequence = 0
    /// Entries in the heap whose event was removed.
    private var removed = 0

    private struct Entry {
        var time: Int64
        var sequence: Int
        var slot: Int

        func isBefore(_ other: Entry) -> Bool {
            time == other.time ? sequence < other.sequence : time < other.time
        }
    }

    /// One queued event, for ``remove(_:)``.
    struct Handle {
        fileprivate var slot: Int
        fileprivate var generation: UInt32
    }

    var isEmpty: Bool { count == 0 }
    /// Events queued and not removed.
    var count: Int { heap.count + (front == nil ? 0 : 1) - removed }

    private var earliest: Entry? { front ?? heap.first }

    /// Takes the next sequence number for an event kept outside the queue, so it still orders
    /// against queued events as if it had been pushed now.
    mutating func reserveSequence() -> Int {
        sequence += 1
        return sequence
    }

    /// Whether the next queued event comes before an event at `time` that took `sequence`.
    mutating func hasEvent(before time: Int64, sequence: Int) -> Bool {
        hasNext() && nextIsBefore(time, sequence: sequence)
    }

    /// Whether the next event comes before an event at `time` that took `sequence`, when
    /// ``hasNext()`` just said there is one: a driver that asks both drops removed entries once.
    func nextIsBefore(_ time: Int64, sequence: Int) -> Bool {
        assert(earliest.map { slots[$0.slot] != nil } ?? true, "nextIsBefore without hasNext first")
        return earliest.map { $0.isBefore(Entry(time: time, sequence: sequence, slot: 0)) } ?? false
    }

    @discardableResult
    mutating func push(_ event: consuming Event, at time: Int64) -> Handle {
        push(event, at: time, sequence: reserveSequence())
    }

    /// `event` is consumed: it moves into its slot rather than being copied there.
    private mutating func push(_ event: consuming Event, at time: Int64, sequence: Int) -> Handle {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            // A free slot holds nil: the event is written over it without destroying the nil,
            // which an assignment does through the event type's metadata.
            var pending: Event? = consume event
            slots.withUnsafeMutableBufferPointer { slots in (slots.baseAddress! + slot).initialize(to: pending.take()) }
        } else {
            slot = slots.count
            slots.append(event)
            generations.append(0)
        }
        let entry = Entry(time: time, sequence: sequence, slot: slot)
        if let front {
            if entry.isBefore(front) {
                self.front = entry
                heapPush(front)
            } else {
                heapPush(entry)
            }
        } else if heap.isEmpty || entry.isBefore(heap[0]) {
            front = entry
        } else {
            heapPush(entry)
        }
        return Handle(slot: slot, generation: generations[slot])
    }

    private mutating func heapPush(_ entry: Entry) {
        heap.append(entry)
        siftUp(heap.count - 1)
    }

    /// True while the event is queued: not yet popped, not removed.
    func isQueued(_ handle: Handle) -> Bool {
        generations[handle.slot] == handle.generation && slots[handle.slot] != nil
    }

    /// Takes the event out of the queue; nothing when it has already left.
    mutating func remove(_ handle: Handle) {
        guard isQueued(handle) else { return }
        slots[handle.slot] = nil
        removed += 1
        if removed > 64, removed * 2 > heap.count { compact() }
    }

    mutating func pop() -> (time: Int64, event: Event)? {
        guard hasNext() else { return nil }
        return popNext()
    }

    /// Whether an event is queued; call it before ``popNext()``.
    mutating func hasNext() -> Bool {
        dropRemovedTop()
        return earliest != nil
    }

    /// The next event, when ``hasNext()`` said there is one. Not optional: a driver that
    /// unwraps an optional event destroys it, in the end, through its type's metadata.
    mutating func popNext() -> (time: Int64, event: Event) {
        let top = popTop()!
        let event = slots[top.slot].take()!
        free(top.slot)
        return (top.time, event)
    }

    /// The common case, a top still queued, returns here: `dropRemovedEntries`, being a
    /// mutating loop, makes every array unique before it starts.
    private mutating func dropRemovedTop() {
        guard let top = earliest, slots[top.slot] == nil else { return }
        dropRemovedEntries()
    }

    @inline(never)
    private mutating func dropRemovedEntries() {
        while let top = earliest, slots[top.slot] == nil {
            _ = popTop()
            free(top.slot)
            removed -= 1
        }
    }

    private mutating func free(_ slot: Int) {
        generations[slot] &+= 1
        freeSlots.append(slot)
    }

    private mutating func popTop() -> Entry? {
        if let front {
            self.front = nil
            return front
        }
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    /// Drops every removed entry and restores the heap order, in linear time.
    private mutating func compact() {
        if let front, slots[front.slot] == nil {
            free(front.slot)
            self.front = nil
            removed -= 1
        }
        var kept: [Entry] = []
        kept.reserveCapacity(heap.count - removed)
        for entry in heap {
            if slots[entry.slot] == nil { free(entry.slot) } else { kept.append(entry) }
        }
        heap = kept
        removed = 0
        // The front entry, if kept, is still earlier than everything left in the heap.
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    // The sifts work on the heap's buffer: subscripting the array would check its uniqueness
    // and bounds at every level.
    private mutating func siftUp(_ index: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            var child = index
            let entry = heap[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard entry.isBefore(heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    private mutating func siftDown(_ index: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            var parent = index
            let entry = heap[parent]
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                let right = left + 1
                let smaller = right < heap.count && heap[right].isBefore(heap[left]) ? right : left
                guard heap[smaller].isBefore(entry) else { break }
                heap[parent] = heap[smaller]
                parent = smaller
            }
            heap[parent] = entry
        }
    }
}
