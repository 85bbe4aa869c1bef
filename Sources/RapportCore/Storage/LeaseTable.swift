public import Foundation

/// Named leases in the store, so several Rapport instances sharing one database agree on who
/// owns what (each network connection, for one): at most one live holder per name, and a dead
/// holder's leases pass to another instance within ``ttl``.
///
/// A lease is a row `(name, holder, expires_at)` in `rapport_leases`. ``acquire(_:)`` takes a
/// free or expired lease, or renews one this holder already has, in one conditional upsert, so
/// two instances can never both win. A holder that stops
/// renewing (crash, `kill -9`, lost network) loses the lease when it expires.
///
/// Time comes from each instance's clock: keep the clocks in sync (NTP) to well under ``ttl``.
/// A holder should act as owner only until ``Grant/validUntil`` minus its own safety margin.
public struct LeaseTable: Sendable {
    /// The store the instances share (PostgreSQL for several machines).
    public let store: any Store
    /// Who this instance is, unique among instances (host name, pid and a random part).
    public let holder: String
    /// How long a lease lasts without renewal.
    public let ttl: Duration
    let time: any TimeSource

    static let namespace = "rapport-leases"
    static let migrations = [
        Migration(1, "Leases shared by instances", [
            "CREATE TABLE rapport_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)"
        ])
    ]

    public init(store: any Store, holder: String, ttl: Duration = .seconds(15), time: any TimeSource = SystemTime()) {
        self.store = store
        self.holder = holder
        self.ttl = ttl
        self.time = time
    }

    /// A unique holder name for this process: `host:pid:random`.
    public static func processHolder() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// A lease this holder has, valid until the moment given.
    public struct Grant: Sendable, Hashable {
        public var name: String
        public var validUntil: Date
    }

    /// Creates the table if needed.
    public func prepare() async throws {
        try await store.migrate(Self.namespace, Self.migrations)
    }

    /// Takes or renews the lease `name`; `nil` when another live holder has it.
    public func acquire(_ name: String) async throws -> Grant? {
        let holder = self.holder
        let now = time.now
        let expires = now.addingTimeInterval(ttl.timeInterval)
        // One statement decides: it writes only when the lease is free, expired or already ours.
        let taken = try await store.execute(
            """
            INSERT INTO rapport_leases (name, holder, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE rapport_leases.holder = excluded.holder OR rapport_leases.expires_at <= ?
            """, [.text(name), .text(holder), .integer(Int64(Self.milliseconds(expires))), .integer(Int64(Self.milliseconds(now)))]) == 1
        return taken ? Grant(name: name, validUntil: expires) : nil
    }

    /// Gives the lease up at once (graceful shutdown), if this holder has it.
    public func release(_ name: String) async throws {
        try await store.execute("DELETE FROM rapport_leases WHERE name = ? AND holder = ?", [.text(name), .text(holder)])
    }

    /// Who holds `name` now, if anyone (an expired lease has no holder).
    public func currentHolder(of name: String) async throws -> String? {
        let row = try await store.query("SELECT holder, expires_at FROM rapport_leases WHERE name = ?", [.text(name)]).first
        guard let row, let until = row["expires_at"].int, until > Self.milliseconds(time.now) else { return nil }
        return row["holder"].string
    }

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded(.down)) }
}
