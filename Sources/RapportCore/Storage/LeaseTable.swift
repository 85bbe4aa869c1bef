public import Foundation

/// Named leases in the store, so several Rapport instances sharing one database agree on who
/// owns what (each network connection, for one): at most one live holder per name, and a dead
/// holder's leases pass to another instance within ``ttl``.
///
/// A lease is a row `(name, holder, expires_at, generation)` in `rapport_leases`.
/// ``acquire(_:)`` takes a free or expired lease, or renews one this holder already has, in one
/// conditional upsert, so two instances can never both win. A holder that stops renewing
/// (crash, `kill -9`, lost network) loses the lease when it expires. Each new tenure (another
/// holder, or this one after a lapse) gets the next generation.
///
/// Expiry is decided by the database's clock (``Store/clockMilliseconds``), never by an
/// instance's. The holder's own deadline, ``Grant/validUntil``, is measured on its own clock from
/// before it asked, so it ends no later than the lease in the database (as long as the clocks run
/// at the same rate); it acts as owner only until that minus its own safety margin.
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
        ]),
        Migration(2, "Lease generations", ["ALTER TABLE rapport_leases ADD COLUMN generation BIGINT NOT NULL DEFAULT 1"]),
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
        /// Which tenure of the lease this is: it grows whenever the lease changes hands or lapses.
        public var generation: Int64
    }

    /// Creates the table if needed.
    public func prepare() async throws {
        try await store.migrate(Self.namespace, Self.migrations)
    }

    /// Takes or renews the lease `name`; `nil` when another live holder has it.
    public func acquire(_ name: String) async throws -> Grant? {
        let asked = time.now
        let now = store.clockMilliseconds
        // One statement decides: it writes only when the lease is free, expired or already ours.
        let row = try await store.query(
            """
            INSERT INTO rapport_leases (name, holder, expires_at, generation) VALUES (?, ?, \(now) + ?, 1)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                generation = CASE WHEN rapport_leases.holder = excluded.holder AND rapport_leases.expires_at > \(now)
                    THEN rapport_leases.generation ELSE rapport_leases.generation + 1 END
            WHERE rapport_leases.holder = excluded.holder OR rapport_leases.expires_at <= \(now)
            RETURNING generation
            """, [.text(name), .text(holder), .integer(Int64(Self.milliseconds(ttl)))]
        ).first
        guard let generation = row?["generation"].int else { return nil }
        return Grant(name: name, validUntil: asked.addingTimeInterval(ttl.timeInterval), generation: Int64(generation))
    }

    /// Gives the lease up at once (graceful shutdown), if this holder has it.
    /// The row stays, expired, so that the next holder's generation follows this one's.
    public func release(_ name: String) async throws {
        try await store.execute("UPDATE rapport_leases SET expires_at = 0 WHERE name = ? AND holder = ?", [.text(name), .text(holder)])
    }

    /// The lease that says this instance is alive, so that others share the names with it.
    public var presenceName: String { "\(Self.presencePrefix)\(holder)" }
    static let presencePrefix = "instance/"

    /// How many instances are alive: those whose presence lease has not expired.
    public func liveInstances() async throws -> Int {
        try await store.query(
            "SELECT COUNT(*) AS n FROM rapport_leases WHERE substr(name, 1, ?) = ? AND expires_at > \(store.clockMilliseconds)",
            [.integer(Int64(Self.presencePrefix.count)), .text(Self.presencePrefix)]
        ).first?["n"].int ?? 0
    }

    /// Who holds `name` now, if anyone (an expired lease has no holder).
    public func currentHolder(of name: String) async throws -> String? {
        try await store.query(
            "SELECT holder FROM rapport_leases WHERE name = ? AND expires_at > \(store.clockMilliseconds)", [.text(name)]
        ).first?["holder"].string
    }

    static func milliseconds(_ duration: Duration) -> Int { Int((duration.timeInterval * 1000).rounded(.down)) }
}
