public import Foundation
public import RapportCore
public import RapportReciprocity

/// The durable record of who helped whom: every ``HelpEvent``, stored through the plugin store.
///
/// Nicks are stored folded (for counting) and as shown (for answers). One row per event; a
/// random id keeps the SQL portable (no auto-increment dialects).
public struct ThanksLedger: Sendable {
    let store: PluginStore
    var sql: any Store { store.database }

    public init(_ store: PluginStore) { self.store = store }

    static let migrations = [
        Migration(1, "Help events: answers and thanks", [
            """
            CREATE TABLE thanks_event (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, detection TEXT NOT NULL, network TEXT NOT NULL,
                channel TEXT NOT NULL, giver TEXT NOT NULL, giver_nick TEXT NOT NULL, receiver TEXT NOT NULL,
                receiver_nick TEXT NOT NULL, at REAL NOT NULL, message_id TEXT, related_id TEXT, reason TEXT)
            """,
            "CREATE INDEX thanks_event_receiver ON thanks_event (network, channel, kind, receiver, at)",
            "CREATE INDEX thanks_event_giver ON thanks_event (network, giver, kind, at)",
        ]),
        Migration(
            2, "Questions, the UTC day of each event, and indexes for HelpStatistics",
            [addDay, "UPDATE thanks_event SET day = CAST(at / 86400 AS INTEGER)"] + questionsAndIndexes,
            // PostgreSQL's REAL has 4 bytes (128 s steps at today's timestamps), and its CAST rounds.
            postgres: [
                "ALTER TABLE thanks_event ALTER COLUMN at TYPE DOUBLE PRECISION", addDay,
                "UPDATE thanks_event SET day = FLOOR(at / 86400)",
            ] + questionsAndIndexes),
        Migration(3, "Weekly help digests admins opted into", [
            """
            CREATE TABLE thanks_digest (
                network TEXT NOT NULL, channel TEXT NOT NULL, admin TEXT NOT NULL, address TEXT NOT NULL,
                due_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (network, channel, admin))
            """,
            "CREATE INDEX thanks_digest_due ON thanks_digest (due_at)",
        ]),
        // Without these, SQLite reads a whole network to group by the other person (balance, !helped).
        Migration(4, "Indexes for one person's help, grouped by the other person", [
            "DROP INDEX thanks_event_helper",
            "CREATE INDEX thanks_event_helper_pairs ON thanks_event (network, receiver, giver, kind)",
            "CREATE INDEX thanks_event_giver_pairs ON thanks_event (network, giver, receiver, kind)",
        ]),
        // Older rows keep NULL identities and still count by nick on their network.
        Migration(5, "The verified identities of each event's people, and !link's identity links and codes", [
            "ALTER TABLE thanks_event ADD COLUMN giver_identity TEXT",
            "ALTER TABLE thanks_event ADD COLUMN receiver_identity TEXT",
            "CREATE INDEX thanks_event_giver_identity ON thanks_event (giver_identity, kind)",
            "CREATE INDEX thanks_event_receiver_identity ON thanks_event (receiver_identity, kind)",
            "CREATE TABLE thanks_link (identity TEXT PRIMARY KEY, person TEXT NOT NULL, linked_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX thanks_link_person ON thanks_link (person)",
            "CREATE TABLE thanks_link_code (hash TEXT PRIMARY KEY, identity TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
        ]),
        tallies,
        // Older questions keep a NULL identity: they stay bound to the asker's nick on their network.
        Migration(7, "The verified identity of each question's asker", [
            "ALTER TABLE thanks_question ADD COLUMN asker_identity TEXT",
            "CREATE INDEX thanks_question_asker_identity ON thanks_question (asker_identity)",
        ]),
        // Events read again after a crash (Matrix saves its /sync position after the plugins
        // committed) were recorded again: their copies go, and the tallies are counted afresh.
        Migration(
            8, "One event of each kind per message and credited person, so that a message read again is not counted twice",
            [
                """
                DELETE FROM thanks_event WHERE message_id IS NOT NULL AND id NOT IN (
                    SELECT MIN(id) FROM thanks_event WHERE message_id IS NOT NULL GROUP BY network, message_id, kind, receiver)
                """,
            ] + recountStatements() + [
                "CREATE UNIQUE INDEX thanks_event_message ON thanks_event (network, message_id, kind, receiver) WHERE message_id IS NOT NULL"
            ]),
    ]

    private static let addDay = "ALTER TABLE thanks_event ADD COLUMN day INTEGER NOT NULL DEFAULT 0"

    private static let questionsAndIndexes = [
        "CREATE INDEX thanks_event_period ON thanks_event (network, channel, at, kind, receiver, giver)",
        "CREATE INDEX thanks_event_helper ON thanks_event (network, receiver, kind)",
        """
        CREATE TABLE thanks_question (
            id TEXT PRIMARY KEY, network TEXT NOT NULL, channel TEXT NOT NULL, asker TEXT NOT NULL, asker_nick TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL, day INTEGER NOT NULL, excerpt TEXT NOT NULL, answered_at DOUBLE PRECISION)
        """,
        "CREATE INDEX thanks_question_period ON thanks_question (network, channel, at)",
        "CREATE INDEX thanks_question_open ON thanks_question (network, channel, answered_at, at)",
        "CREATE INDEX thanks_question_asker ON thanks_question (network, asker)",
    ]

    public func migrate() async throws { try await store.migrate(Self.migrations) }

    /// At most `limit` events of one kind from one person to another since `since`.
    public struct DailyCap: Sendable {
        public var limit: Int
        public var since: Date

        public init(limit: Int, since: Date) {
            self.limit = limit
            self.since = since
        }
    }

    /// Records one event unless it would exceed `cap`, and adds it to its tallies; returns
    /// whether it is recorded. `from`/`to` are folded with `casemapping` for counting, and their
    /// verified identities (when known) let linked people count as one (``IdentityLinks``).
    ///
    /// The cap is counted by the insert itself, in the same statement: one statement per event,
    /// and no count kept anywhere that another instance's writes could leave behind. A capped
    /// insert first takes the lock of its (kind, network, giver, receiver), so two instances
    /// recording the same pair at once cannot both pass the count. An event with a message ID is
    /// recorded once per kind and credited person: the same message read again (Matrix after a
    /// crash) finds its row and adds nothing, and counts as recorded.
    @discardableResult
    public func record(
        _ event: HelpEvent, casemapping: Casemapping, reason: String? = nil, giver: Identity? = nil, receiver: Identity? = nil,
        cap: DailyCap? = nil
    ) async throws -> Bool {
        let tallied = TallyChanges.Event(
            kind: event.kind, network: event.network, channel: event.channel,
            helper: .init(key: casemapping.fold(event.to), nick: event.to), helped: .init(key: casemapping.fold(event.from), nick: event.from),
            at: event.time.timeIntervalSince1970, day: Self.day(event.time), month: HelpPeriod.monthNumber(event.time))
        let capped = cap != nil
        // No cap: no event is that recent.
        let cap = cap ?? DailyCap(limit: 1, since: .distantFuture)
        let changes = TallyChanges(tallied)
        return try await sql.transaction { db in
            // The count and the insert must not interleave with another writer's for the same pair.
            if capped {
                try await db.lock("thanks-cap/\(event.kind.rawValue)/\(event.network)/\(tallied.helped.key)/\(tallied.helper.key)")
            }
            // PostgreSQL types the SELECT list from its values, which are bound untyped: hence the casts.
            let inserted = try await db.execute(
                """
                INSERT INTO thanks_event (id, kind, detection, network, channel, giver, giver_nick, receiver, receiver_nick,
                    at, day, month, message_id, related_id, reason, giver_identity, receiver_identity)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?, ?, ?, ?
                WHERE (SELECT COUNT(*) FROM thanks_event WHERE kind = ? AND network = ? AND giver = ? AND receiver = ? AND at >= ?) < ?
                ON CONFLICT DO NOTHING
                """,
                [
                    .text(Self.randomID()), .text(event.kind.rawValue), .text(event.detection.rawValue), .text(event.network),
                    .text(event.channel), .text(tallied.helped.key), .text(tallied.helped.nick), .text(tallied.helper.key),
                    .text(tallied.helper.nick), .real(tallied.at), .integer(tallied.day), .integer(tallied.month),
                    SQLValue(event.messageID?.rawValue), SQLValue(event.relatedMessageID?.rawValue), SQLValue(reason),
                    SQLValue(giver?.rawValue), SQLValue(receiver?.rawValue),
                    .text(event.kind.rawValue), .text(event.network), .text(tallied.helped.key), .text(tallied.helper.key),
                    .real(cap.since.timeIntervalSince1970), .integer(Int64(cap.limit)),
                ])
            guard inserted == 1 else {
                guard let message = event.messageID else { return false }
                return try await !db.query(
                    "SELECT 1 FROM thanks_event WHERE network = ? AND message_id = ? AND kind = ? AND receiver = ?",
                    [.text(event.network), .text(message.rawValue), .text(event.kind.rawValue), .text(tallied.helper.key)]
                ).isEmpty
            }
            try await changes.write(to: db)
            return true
        }
    }

    /// A random (version 4) UUID string. Foundation's `UUID()` opens `/dev/urandom` for each
    /// one on Linux; the system generator is one `getrandom` call per half.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let (high, low) = (generator.next() & ~0xF000 | 0x4000, generator.next() & ~(0xC << 60) | (0x8 << 60))
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)).uuidString }
    }

    /// The UTC day number of `date` (days since 1970), as kept in the `day` columns.
    static func day(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 86400).rounded(.down)) }

    /// Thanks and answers received by `receiver` (folded) in a channel, ever.
    public func karma(network: String, channel: String, receiver: String) async throws -> (thanks: Int, answers: Int) {
        let row = try await sql.query(
            "SELECT thanks, answers FROM thanks_tally_helper WHERE network = ? AND channel = ? AND period = 'all' AND helper = ?",
            [.text(network), .text(channel), .text(receiver)]
        ).first
        return (row?["thanks"].int ?? 0, row?["answers"].int ?? 0)
    }

    /// The most thanked people of a channel in `period`, most first.
    public func top(network: String, channel: String, period: HelpPeriod, limit: Int) async throws -> [(nick: String, count: Int)] {
        let rows = try await sql.query(
            """
            SELECT nick, thanks FROM thanks_tally_helper WHERE network = ? AND channel = ? AND period = ? AND thanks > 0
            ORDER BY thanks DESC, helper LIMIT ?
            """, [.text(network), .text(channel), .text(period.key), .integer(Int64(limit))])
        return rows.map { ($0["nick"].string ?? "?", $0["thanks"].int ?? 0) }
    }

    /// Who helped `person` (answered or was thanked by them) and whom `person` helped.
    public func helped(_ person: PersonMatch, limit: Int) async throws
        -> (by: [HelpStatistics.PersonCount], to: [HelpStatistics.PersonCount])
    {
        // For both kinds the helper is the receiver: thanked → credited, answered → answerer.
        func query(_ them: String, _ me: String) async throws -> [HelpStatistics.PersonCount] {
            try await sql.query(
                """
                SELECT network, \(them) AS person, MAX(\(them)_nick) AS nick, COUNT(*) AS n FROM thanks_event
                WHERE \(person.condition(me)) GROUP BY network, \(them) ORDER BY n DESC, \(them) ASC, network LIMIT ?
                """, person.values + [.integer(Int64(limit))]
            ).map {
                HelpStatistics.PersonCount(person: $0["person"].string ?? "?", nick: $0["nick"].string ?? "?", count: $0["n"].int ?? 0)
            }
        }
        return (try await query("receiver", "giver"), try await query("giver", "receiver"))
    }

    /// People who answered `person` since `since` and were never thanked by them afterwards.
    public func owed(network: String, person: String, since: Date, limit: Int) async throws -> [(nick: String, channel: String, at: Date)] {
        let rows = try await sql.query(
            """
            SELECT a.receiver AS receiver, MAX(a.receiver_nick) AS nick, MAX(a.channel) AS channel, MAX(a.at) AS at
            FROM thanks_event a
            WHERE a.network = ? AND a.giver = ? AND a.kind = ? AND a.at >= ?
              AND NOT EXISTS (SELECT 1 FROM thanks_event t WHERE t.network = a.network AND t.giver = a.giver
                              AND t.receiver = a.receiver AND t.kind = ? AND t.at >= a.at)
            GROUP BY a.receiver ORDER BY at DESC LIMIT ?
            """,
            [.text(network), .text(person), .text(HelpEvent.Kind.answered.rawValue), .real(since.timeIntervalSince1970),
             .text(HelpEvent.Kind.thanked.rawValue), .integer(Int64(limit))])
        return rows.map { ($0["nick"].string ?? "?", $0["channel"].string ?? "?", Date(timeIntervalSince1970: $0["at"].double ?? 0)) }
    }
}
