public import Foundation

/// A token bucket: up to `capacity` actions at once, refilled at `refillPerSecond`.
///
/// Used for per-user command limits and for connectors' flood control.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Double
    public let refillPerSecond: Double
    private var tokens: Double
    private var updated: Date

    public init(capacity: Double, refillPerSecond: Double, now: Date) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updated = now
    }

    /// Takes one token if there is one; returns whether it did.
    public mutating func take(now: Date) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// How long until a token is available (zero if one is now).
    public mutating func wait(now: Date) -> TimeInterval {
        refill(now: now)
        return tokens >= 1 ? 0 : (1 - tokens) / refillPerSecond
    }

    private mutating func refill(now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(capacity, tokens + elapsed * refillPerSecond)
        updated = now
    }
}
