public import SwitchyardCore

/// The traffic of one simulation: a traffic file's requests and the scenario's generated
/// arrivals, merged in time order (at equal times, the file's first). Lazy on both sides, so a
/// run never holds more than the next arrival of each.
public struct ArrivalStream<File: IteratorProtocol>: Sequence, IteratorProtocol where File.Element == SimulatedArrival {
    private var file: File?
    private var generated: ScenarioArrivals.Iterator?
    private var nextFromFile: SimulatedArrival?
    private var nextGenerated: SimulatedArrival?

    /// - Parameters:
    ///   - file: the traffic file's arrivals, in time order; nil for none.
    ///   - scenario: its `arrivals`, if any, are generated from its seed.
    public init(file: File?, scenario: Scenario) {
        self.file = file
        generated = scenario.arrivals?.makeIterator(seed: scenario.seed)
        nextFromFile = self.file?.next()
        nextGenerated = Self.arrival(generated?.next())
    }

    public mutating func next() -> SimulatedArrival? {
        // Compared by time, then taken: the one read ahead is replaced by the next.
        if let fileAt = nextFromFile?.at, (nextGenerated?.at).map({ fileAt <= $0 }) ?? true {
            let arrival = nextFromFile.take()
            nextFromFile = file?.next()
            return arrival
        }
        let arrival = nextGenerated.take()
        nextGenerated = Self.arrival(generated?.next())
        return arrival
    }

    private static func arrival(_ generated: consuming ScenarioArrivals.Arrival?) -> SimulatedArrival? {
        guard let generated else { return nil }
        return SimulatedArrival(at: generated.at, request: generated.request)
    }
}

extension ArrivalStream where File == EmptyCollection<SimulatedArrival>.Iterator {
    /// Only the scenario's generated arrivals.
    public init(scenario: Scenario) { self.init(file: nil, scenario: scenario) }
}
