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

    /// Takes `count` tokens if there are that many; returns whether it did.
    ///
    /// An action larger than the whole bucket may go when the bucket is full, and leaves it that
    /// far in debt: it still costs every token.
    public mutating func take(_ count: Double = 1, now: Date) -> Bool {
        refill(now: now)
        guard tokens >= min(count, capacity) else { return false }
        tokens -= count
        return true
    }

    /// Returns `count` tokens taken for an action that turned out not to count (up to a full bucket).
    public mutating func giveBack(_ count: Double = 1) {
        tokens = min(capacity, tokens + count)
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
