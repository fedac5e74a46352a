/// How a provider signs the webhooks it sends, so the daemon can verify them.
public struct WebhookSpec: Sendable, Hashable {
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// Standard Webhooks: HMAC-SHA256 over `id.timestamp.body` (Replicate).
        case standardWebhooksHMACSHA256 = "standard_webhooks_hmac_sha256"
        /// Ed25519 signatures checked against the provider's JWKS (fal).
        case ed25519JWKS = "ed25519_jwks"
    }

    public var scheme: Scheme
    public var secret: SecretReference?
    public var secretLocation: SourceLocation?
    public var jwksURL: String?
    /// How far a signature's timestamp may be from now.
    public var tolerance: Duration
}
