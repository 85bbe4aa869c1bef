/// One thing `/readyz` checks: the store, or one network's connection.
public struct ReadinessCheck: Sendable, Hashable {
    /// What was checked: `store`, `network libera`.
    public var name: String
    public var ok: Bool
    /// A short, secret-free word or sentence: `connected`, `connecting`, the error's code.
    public var detail: String

    public init(name: String, ok: Bool, detail: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}
