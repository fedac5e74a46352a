import Testing

@testable import SwitchyardCore

@Suite struct ExecutionCommandBufferTests {
    /// Commands that hold strings, so a slot moved twice or never would show in their values.
    static func command(_ number: Int) -> ExecutionCommand {
        .attemptFailed(provider: "provider-\(number)", reason: "reason \(number)")
    }

    @Test func takesEveryCommandInOrderAcrossGrowthAndReuse() {
        let buffer = ExecutionCommandBuffer(capacity: 1)
        for round in 0..<3 {
            // More than the capacity each round: the buffer grows, then is reused as empty.
            let numbers = Array(round * 100..<round * 100 + 37)
            for number in numbers { buffer.append(Self.command(number)) }
            #expect(buffer.count == numbers.count)
            var taken: [ExecutionCommand] = []
            buffer.takeAll { taken.append($0) }
            #expect(taken == numbers.map(Self.command))
            #expect(buffer.isEmpty)
        }
    }

    @Test func commandsAppendedWhileTakingAreTakenAfterTheOthers() {
        let buffer = ExecutionCommandBuffer(capacity: 2)
        buffer.append(Self.command(1))
        buffer.append(Self.command(2))
        var taken: [ExecutionCommand] = []
        buffer.takeAll { command in
            if command == Self.command(1) { buffer.append(Self.command(3)) }
            taken.append(command)
        }
        #expect(taken == [1, 2, 3].map(Self.command))
        #expect(buffer.isEmpty)
    }

    @Test func takeArrayEmptiesTheBuffer() {
        let buffer = ExecutionCommandBuffer()
        for number in 0..<5 { buffer.append(Self.command(number)) }
        #expect(buffer.takeArray() == (0..<5).map(Self.command))
        #expect(buffer.takeArray().isEmpty)
    }
}
