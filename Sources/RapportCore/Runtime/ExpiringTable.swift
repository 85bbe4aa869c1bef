import DequeModule
public import Foundation

/// A map of at most `capacity` entries, each of which expires `lifetime` after it was last set:
/// per-person state that only matters for a while (a command token bucket until it is full
/// again, the time of the last hint).
///
/// Setting a value costs amortized constant time, however many keys come and go: expired
/// entries leave from the front of a queue kept in deadline order. An entry is never dropped
/// before it expires, so a flood of new keys cannot reset anyone's state; when every entry is
/// still live, a new key is refused instead (``set(_:for:now:)`` returns `false`).
public struct ExpiringTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var value: Value
        var deadline: Date
        /// The deadline the key's newest place in ``queue`` was queued with.
        var queued: Date
    }

    public let capacity: Int
    public let lifetime: TimeInterval
    private var entries: [Key: Entry] = [:]
    /// Keys with the deadline they were queued for, in (nearly) deadline order. A key set again
    /// is queued again at most once per half lifetime, so it holds at most three places; its
    /// older places are skipped.
    private var queue: Deque<(key: Key, deadline: Date)> = []

    public init(capacity: Int, lifetime: TimeInterval) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// How many entries are kept (expired ones may linger until the next ``set(_:for:now:)``).
    public var count: Int { entries.count }

    /// The value kept for `key`, unless it expired.
    public func value(for key: Key, now: Date) -> Value? {
        guard let entry = entries[key], entry.deadline > now else { return nil }
        return entry.value
    }

    /// Keeps `value` for `key` until ``lifetime`` after `now`; returns `false`, keeping nothing,
    /// when `key` is new and the table is full of entries that have not expired.
    @discardableResult
    public mutating func set(_ value: Value, for key: Key, now: Date) -> Bool {
        dropExpired(now: now)
        let deadline = now.addingTimeInterval(lifetime)
        if var entry = entries[key] {
            entry.value = value
            entry.deadline = deadline
            if deadline.timeIntervalSince(entry.queued) >= lifetime / 2 {
                queue.append((key, deadline))
                entry.queued = deadline
            }
            entries[key] = entry
            return true
        }
        guard entries.count < capacity else { return false }
        entries[key] = Entry(value: value, deadline: deadline, queued: deadline)
        queue.append((key, deadline))
        return true
    }

    private mutating func dropExpired(now: Date) {
        while let first = queue.first, first.deadline <= now {
            queue.removeFirst()
            // A newer place of the same key stands for it.
            guard let entry = entries[first.key], entry.queued == first.deadline else { continue }
            if entry.deadline <= now {
                entries[first.key] = nil
            } else {
                queue.append((first.key, entry.deadline))
                entries[first.key]?.queued = entry.deadline
            }
        }
    }
}

extension ExpiringTable where Value == TokenBucket {
    /// Takes a token from `key`'s bucket (a new one from `newBucket` when none is kept); `false`
    /// when it has none left, or when `key` is new and the table is full of live buckets (a flood
    /// of new keys waits rather than resetting anyone's bucket).
    public mutating func takeToken(for key: Key, now: Date, newBucket: () -> TokenBucket) -> Bool {
        var bucket = value(for: key, now: now) ?? newBucket()
        let allowed = bucket.take(now: now)
        return set(bucket, for: key, now: now) && allowed
    }

    /// Gives back the token of an action that turned out not to count.
    public mutating func giveBackToken(for key: Key, now: Date) {
        guard var bucket = value(for: key, now: now) else { return }
        bucket.giveBack()
        set(bucket, for: key, now: now)
    }
}
