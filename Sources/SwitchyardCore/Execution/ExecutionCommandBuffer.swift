/// Where an ``Execution`` puts the commands of a step, in order, for a driver that runs many
/// steps and reuses one buffer: the driver takes the commands out one by one, which leaves the
/// buffer empty with nothing in it to destroy. An array would be allocated for every step, or
/// would have to be emptied with every slot destroyed again. One step at a time: a driver that
/// ran a second step while taking the first one's commands would get both steps' commands.
///
/// Its fields are exempt from the runtime's exclusivity checks, which would cost more than the
/// appends themselves: no method holds an access to them across a call, so an `append` from
/// within `takeAll`'s body never overlaps one. Not `Sendable`: it stays with one driver.
public final class ExecutionCommandBuffer {
    @exclusivity(unchecked) @usableFromInline var storage: UnsafeMutablePointer<ExecutionCommand>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) @usableFromInline var taken = 0
    @exclusivity(unchecked) @usableFromInline var appended = 0

    /// Commands appended and not yet taken.
    public var count: Int { appended - taken }

    /// Room for `capacity` commands before the buffer grows.
    public init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        (storage + taken).deinitialize(count: count)
        storage.deallocate()
    }

    public var isEmpty: Bool { count == 0 }

    /// Adds a command after the others.
    public func append(_ command: consuming ExecutionCommand) {
        if appended == capacity { grow() }
        (storage + appended).initialize(to: command)
        appended += 1
    }

    /// Hands every command to `body`, in order, moved out of the buffer, which is empty after.
    /// Commands that `body` appends are handed over too, after the others.
    @inlinable public func takeAll(_ body: (consuming ExecutionCommand) -> Void) {
        while taken < appended {
            let command = (storage + taken).move()
            taken += 1
            body(command)
        }
        taken = 0
        appended = 0
    }

    /// The commands, moved into an array; the buffer is empty after.
    public func takeArray() -> [ExecutionCommand] {
        var commands: [ExecutionCommand] = []
        commands.reserveCapacity(count)
        takeAll { commands.append($0) }
        return commands
    }

    private func grow() {
        let larger = UnsafeMutablePointer<ExecutionCommand>.allocate(capacity: capacity * 2)
        // Only the commands not yet taken, at the same places: the ones before are moved out.
        (larger + taken).moveInitialize(from: storage + taken, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }
}

@available(*, unavailable)
extension ExecutionCommandBuffer: Sendable {}
