/// A scripted world for the emulator and the simulator: how long each provider's jobs take
/// and which faults it injects, with the seed of every random draw.
///
/// Pure data: it holds no clock and no generator. A driver asks ``ScenarioProvider/fault(for:at:draw:)``
/// and ``LatencyDistribution/sample(_:)`` with its own time and draws, taken from
/// ``drawStream(for:)`` so that the same seed and the same calls give the same world.
public struct Scenario: Sendable, Hashable {
    /// Seeds every provider's draw stream.
    public var seed: UInt64
    /// In file order; a provider without an entry behaves as ``ScenarioProvider/init(id:)``.
    public var providers: [ScenarioProvider]
    /// Traffic the scenario generates, for the simulator; the emulator ignores it.
    public var arrivals: ScenarioArrivals?

    public init(seed: UInt64 = 0, providers: [ScenarioProvider] = [], arrivals: ScenarioArrivals? = nil) {
        self.seed = seed
        self.providers = providers
        self.arrivals = arrivals
    }

    /// The provider's entry, or the default behaviour (no faults, ``LatencyDistribution/default``)
    /// when the scenario does not name it.
    public func provider(_ id: String) -> ScenarioProvider {
        providers.first { $0.id == id } ?? ScenarioProvider(id: id)
    }

    /// The random stream one provider draws from.
    ///
    /// Each provider has its own stream, seeded from ``seed`` and the provider id, so that the
    /// traffic one provider sees never shifts the draws of another. A driver takes one draw per
    /// call for ``ScenarioProvider/fault(for:at:draw:)``, then one more per accepted job for
    /// ``LatencyDistribution/sample(_:)``, in the order the calls arrive.
    public func drawStream(for providerID: String) -> SplitMix64 {
        // FNV-1a over the id's UTF-8 bytes: stable across runs and platforms, unlike Hasher.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in providerID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: seed ^ hash)
        return SplitMix64(seed: mixer.next())
    }
}
