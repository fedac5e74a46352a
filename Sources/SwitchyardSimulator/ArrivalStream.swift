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
        nextGenerated = generated?.next().map { SimulatedArrival(at: $0.at, request: $0.request) }
    }

    public mutating func next() -> SimulatedArrival? {
        switch (nextFromFile, nextGenerated) {
        case (nil, nil):
            return nil
        case (let fromFile?, let fromScenario) where fromScenario.map({ fromFile.at <= $0.at }) ?? true:
            nextFromFile = file?.next()
            return fromFile
        default:
            let arrival = nextGenerated
            nextGenerated = generated?.next().map { SimulatedArrival(at: $0.at, request: $0.request) }
            return arrival
        }
    }
}

extension ArrivalStream where File == EmptyCollection<SimulatedArrival>.Iterator {
    /// Only the scenario's generated arrivals.
    public init(scenario: Scenario) { self.init(file: nil, scenario: scenario) }
}
