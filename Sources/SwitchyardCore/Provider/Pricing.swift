/// What a provider charges, exactly.
public struct Pricing: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case perOutputSecond = "per_output_second"
        case perImage = "per_image"
        case perRequest = "per_request"
    }

    public var unit: Unit
    public var price: Money
    /// ISO 4217 code, such as `INR`.
    public var currency: String
    /// Prices that apply under conditions (a tier, a resolution); the first match wins.
    public var rates: [Rate]

    public struct Rate: Sendable, Hashable {
        public var tier: String?
        public var resolution: Resolution?
        public var price: Money
        public var location: SourceLocation
    }

    /// The unit price for a tier and resolution.
    public func unitPrice(tier: String, resolution: Resolution?) -> Money {
        for rate in rates
        where (rate.tier == nil || rate.tier == tier) && (rate.resolution == nil || rate.resolution == resolution) {
            return rate.price
        }
        return price
    }

    /// The cost of one output of `seconds` (for per-second pricing) in a tier.
    public func cost(seconds: Int, images: Int = 1, tier: String, resolution: Resolution?) -> Money {
        let unitPrice = unitPrice(tier: tier, resolution: resolution)
        switch unit {
        case .perOutputSecond: return unitPrice.times(seconds)
        case .perImage: return unitPrice.times(images)
        case .perRequest: return unitPrice
        }
    }
}
