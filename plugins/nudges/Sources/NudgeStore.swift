public import Foundation
public import RapportCore

/// The durable side of nudges: pending and sent nudges, preferences and who was last active.
///
/// A nudge row is created once per (kind, recipient, other person, question), and once per (kind,
/// message that made it owed), and never deleted, so the same nudge can never be created twice,
/// even from a message read again after a restart. State changes are single conditional updates
/// (`… WHERE state = ?`), so a restart, or a second instance, can never send one twice.
public struct NudgeStore: Sendable {
    /// Where a nudge stands.
    public enum State: String, Sendable, Codable {
        /// Waiting for its due time (or for the person to come online, or for a deferral).
        case pending
        /// Claimed for delivery by one sender.
        case sending
        case sent
        /// The person acknowledged on their own (thanked, replied): no nudge needed.
        case resolved
        /// Not sent, and never will be (opted out, expired, channel switched off).
        case dropped
    }

    public enum Kind: String, Sendable, Codable {
        case thank, reply
        /// The opt-in give-back digest; its text is written when it goes out.
        case digest
    }

    /// One nudge, pending or done.
    public struct Nudge: Sendable, Hashable {
        public var id: String
        public var kind: Kind
        public var network: String
        public var channel: String
        /// Who gets the nudge (folded nick) and their DM address.
        public var recipient: String
        public var address: String
        /// The helper (thank) or the one who asked (reply), as shown.
        public var other: String
        public var excerpt: String
        public var createdAt: Date
        public var dueAt: Date
        public var expiresAt: Date
        public var state: State
        public var reason: String
        public var sentAt: Date?
        /// The person (``Seen/key``) the nudge was recorded for; only they get it.
        public var recipientPerson: String? = nil
        /// The message that made it owed (the answer, the question), when it has an ID.
        public var source: MessageID? = nil
    }

    let store: PluginStore
    var sql: any Store { store.database }

    public init(_ store: PluginStore) { self.store = store }

    static let migrations = [
        Migration(1, "Nudges, preferences and activity", [
            """
            CREATE TABLE nudges_nudge (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, network TEXT NOT NULL, channel TEXT NOT NULL,
                recipient TEXT NOT NULL, address TEXT NOT NULL, other TEXT NOT NULL, excerpt TEXT NOT NULL,
                created_at REAL NOT NULL, due_at REAL NOT NULL, expires_at REAL NOT NULL,
                state TEXT NOT NULL, reason TEXT NOT NULL, sent_at REAL, attempts INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX nudges_nudge_due ON nudges_nudge (state, due_at)",
            "CREATE INDEX nudges_nudge_recipient ON nudges_nudge (network, recipient, state)",
            """
            CREATE TABLE nudges_person (
                network TEXT NOT NULL, nick TEXT NOT NULL, address TEXT NOT NULL, person TEXT NOT NULL,
                last_active REAL NOT NULL, away INTEGER NOT NULL, is_bot INTEGER NOT NULL, PRIMARY KEY (network, nick))
            """,
        ]),
        Migration(2, "Folded other nick; help, open questions, channels and digests for the give-back digest", [
            "ALTER TABLE nudges_nudge ADD COLUMN other_key TEXT NOT NULL DEFAULT ''",
            "UPDATE nudges_nudge SET other_key = lower(other)",
            "CREATE TABLE nudges_help (network TEXT NOT NULL, channel TEXT NOT NULL, helper TEXT NOT NULL, asker TEXT NOT NULL, at REAL NOT NULL)",
            "CREATE INDEX nudges_help_at ON nudges_help (network, at)",
            """
            CREATE TABLE nudges_question (
                id TEXT PRIMARY KEY, network TEXT NOT NULL, channel TEXT NOT NULL, asker TEXT NOT NULL, excerpt TEXT NOT NULL,
                at REAL NOT NULL, answered INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX nudges_question_open ON nudges_question (network, channel, answered, at)",
            """
            CREATE TABLE nudges_member (
                network TEXT NOT NULL, nick TEXT NOT NULL, channel TEXT NOT NULL, last_active REAL NOT NULL, PRIMARY KEY (network, nick, channel))
            """,
            """
            CREATE TABLE nudges_digest (
                network TEXT NOT NULL, nick TEXT NOT NULL, period REAL NOT NULL, next_due REAL NOT NULL, PRIMARY KEY (network, nick))
            """,
        ]),
        // Rows from before stay bound to the nick on their network (`network/nick`), as rows of
        // someone without a verified identity are.
        Migration(3, "The person (verified identity, or network/nick) each row is about, which personal data is selected by", [
            "ALTER TABLE nudges_nudge ADD COLUMN recipient_person TEXT",
            "ALTER TABLE nudges_nudge ADD COLUMN other_person TEXT",
            "UPDATE nudges_nudge SET recipient_person = network || '/' || recipient",
            "UPDATE nudges_nudge SET other_person = network || '/' || other_key WHERE other_key <> ''",
            "ALTER TABLE nudges_help ADD COLUMN helper_person TEXT",
            "ALTER TABLE nudges_help ADD COLUMN asker_person TEXT",
            "UPDATE nudges_help SET helper_person = network || '/' || helper, asker_person = network || '/' || asker",
            "ALTER TABLE nudges_question ADD COLUMN asker_person TEXT",
            "UPDATE nudges_question SET asker_person = network || '/' || asker",
            "ALTER TABLE nudges_member ADD COLUMN person TEXT",
            "UPDATE nudges_member SET person = network || '/' || nick",
            "ALTER TABLE nudges_digest ADD COLUMN person TEXT",
            "UPDATE nudges_digest SET person = network || '/' || nick",
            "CREATE INDEX nudges_nudge_recipient_person ON nudges_nudge (recipient_person)",
            "CREATE INDEX nudges_nudge_other_person ON nudges_nudge (other_person)",
            "CREATE INDEX nudges_help_helper_person ON nudges_help (helper_person)",
            "CREATE INDEX nudges_help_asker_person ON nudges_help (asker_person)",
            "CREATE INDEX nudges_question_asker_person ON nudges_question (asker_person)",
            "CREATE INDEX nudges_member_person ON nudges_member (person)",
            "CREATE INDEX nudges_digest_person ON nudges_digest (person)",
            "CREATE INDEX nudges_person_person ON nudges_person (person)",
        ]),
        // Rows from before have no source; new ones are made once per message even when a
        // restarted bot reads it again (Matrix after a crash) and links it differently.
        Migration(4, "The message that made each reminder owed and each help record, at most one of each per message", [
            "ALTER TABLE nudges_nudge ADD COLUMN source TEXT",
            "CREATE UNIQUE INDEX nudges_nudge_source ON nudges_nudge (network, kind, source) WHERE source IS NOT NULL",
            "ALTER TABLE nudges_help ADD COLUMN source TEXT",
            "CREATE UNIQUE INDEX nudges_help_source ON nudges_help (network, source) WHERE source IS NOT NULL",
        ]),
    ]

    /// SQL for the person (``Seen/key``) who last used `nick` on `network`, or `network/nick`
    /// when nobody did: each row about a nick is bound, as it is written, to the person behind it.
    static func personBinding(network: String, nick: String) -> (sql: String, values: [SQLValue]) {
        ("COALESCE((SELECT person FROM nudges_person WHERE network = ? AND nick = ?), ?)",
         [.text(network), .text(nick), .text(Person(network: network, nick: nick, identity: nil).key)])
    }

    public func migrate() async throws { try await store.migrate(Self.migrations) }

    // MARK: - Nudges

    /// Records a new nudge; returns `false` if this very nudge, or one owed for the same message,
    /// existed already.
    ///
    /// - Parameter otherKey: The other person's folded nick, which settling matches.
    @discardableResult
    public func add(_ nudge: Nudge, otherKey: String) async throws -> Bool {
        let recipient = nudge.recipientPerson.map { (sql: "?", values: [SQLValue.text($0)]) }
            ?? Self.personBinding(network: nudge.network, nick: nudge.recipient)
        let other = otherKey.isEmpty ? (sql: "NULL", values: [SQLValue]()) : Self.personBinding(network: nudge.network, nick: otherKey)
        return try await sql.execute(
            """
            INSERT INTO nudges_nudge (id, kind, network, channel, recipient, address, other, other_key, excerpt, created_at,
                due_at, expires_at, state, reason, sent_at, source, recipient_person, other_person)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, \(recipient.sql), \(other.sql)) ON CONFLICT DO NOTHING
            """,
            [.text(nudge.id), .text(nudge.kind.rawValue), .text(nudge.network), .text(nudge.channel),
             .text(nudge.recipient), .text(nudge.address), .text(nudge.other), .text(otherKey), .text(nudge.excerpt),
             .real(nudge.createdAt.timeIntervalSince1970), .real(nudge.dueAt.timeIntervalSince1970),
             .real(nudge.expiresAt.timeIntervalSince1970), .text(nudge.state.rawValue), .text(nudge.reason),
             SQLValue(nudge.source?.rawValue)]
                + recipient.values + other.values) == 1
    }

    /// Moves a nudge from one state to another; returns whether this caller made the change.
    @discardableResult
    public func transition(_ id: String, from: State, to: State, reason: String? = nil, dueAt: Date? = nil, sentAt: Date? = nil) async throws -> Bool {
        try await sql.execute(
            """
            UPDATE nudges_nudge SET state = ?, reason = COALESCE(?, reason), due_at = COALESCE(?, due_at),
                sent_at = COALESCE(?, sent_at) WHERE id = ? AND state = ?
            """,
            [.text(to.rawValue), SQLValue(reason), dueAt.map { .real($0.timeIntervalSince1970) } ?? .null,
             sentAt.map { .real($0.timeIntervalSince1970) } ?? .null, .text(id), .text(from.rawValue)]) == 1
    }

    /// Resolves every pending nudge to `recipient` about `other` in `channel`: they acknowledged.
    public func resolve(network: String, channel: String, recipient: String, other: String, kind: Kind) async throws {
        try await sql.execute(
            """
            UPDATE nudges_nudge SET state = 'resolved', reason = 'acknowledged'
            WHERE network = ? AND channel = ? AND recipient = ? AND other_key = ? AND kind = ? AND state = 'pending'
            """, [.text(network), .text(channel), .text(recipient), .text(other), .text(kind.rawValue)])
    }

    /// Pending nudges whose due time has come.
    public func due(at now: Date, limit: Int = 100) async throws -> [Nudge] {
        try await nudges("WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?", [.real(now.timeIntervalSince1970), .integer(Int64(limit))])
    }

    /// Nudges left claimed by a sender that stopped before recording the outcome.
    public func claimed() async throws -> [Nudge] { try await nudges("WHERE state = 'sending'", []) }

    /// The times nudges (not digests) were sent to `recipient`; one claimed for sending and not
    /// delivered yet counts as sent `now`.
    public func sentTimes(network: String, recipient: String, now: Date) async throws -> [Date] {
        try await sql.query(
            """
            SELECT COALESCE(sent_at, ?) AS sent_at FROM nudges_nudge
            WHERE network = ? AND recipient = ? AND state IN ('sent', 'sending') AND kind <> 'digest'
            """,
            [.real(now.timeIntervalSince1970), .text(network), .text(recipient)]
        ).compactMap { $0["sent_at"].double.map(Date.init(timeIntervalSince1970:)) }
    }

    /// The last nudge or digest sent to `recipient`.
    public func lastSent(network: String, recipient: String) async throws -> Nudge? {
        try await nudges(
            "WHERE network = ? AND recipient = ? AND state = 'sent' ORDER BY sent_at DESC LIMIT 1",
            [.text(network), .text(recipient)]
        ).first
    }

    /// Counts of nudges by state, for `!nudges stats` and the dashboard.
    public func counts() async throws -> [State: Int] {
        var counts: [State: Int] = [:]
        for row in try await sql.query("SELECT state, COUNT(*) AS n FROM nudges_nudge GROUP BY state") {
            if let state = row["state"].string.flatMap(State.init(rawValue:)) { counts[state] = row["n"].int ?? 0 }
        }
        return counts
    }

    private func nudges(_ clause: String, _ arguments: [SQLValue]) async throws -> [Nudge] {
        try await sql.query("SELECT * FROM nudges_nudge \(clause)", arguments).compactMap { row in
            guard let id = row["id"].string, let kind = row["kind"].string.flatMap(Kind.init(rawValue:)),
                let state = row["state"].string.flatMap(State.init(rawValue:))
            else { return nil }
            return Nudge(
                id: id, kind: kind, network: row["network"].string ?? "", channel: row["channel"].string ?? "",
                recipient: row["recipient"].string ?? "", address: row["address"].string ?? "",
                other: row["other"].string ?? "", excerpt: row["excerpt"].string ?? "",
                createdAt: Date(timeIntervalSince1970: row["created_at"].double ?? 0),
                dueAt: Date(timeIntervalSince1970: row["due_at"].double ?? 0),
                expiresAt: Date(timeIntervalSince1970: row["expires_at"].double ?? 0), state: state,
                reason: row["reason"].string ?? "", sentAt: row["sent_at"].double.map(Date.init(timeIntervalSince1970:)),
                recipientPerson: row["recipient_person"].string)
        }
    }

    // MARK: - Activity and preferences

    /// What the plugin knows of the person behind a nick.
    public struct Seen: Sendable, Hashable {
        /// Where DMs go (the nick on IRC, the user ID on Matrix).
        public var address: String
        /// The key of their preferences: their identity, or `network/nick` without one.
        public var key: String
        public var lastActive: Date
        public var away: Bool
        public var isBot: Bool
    }

    /// The key under which a person's preferences are kept (``Person/key``).
    public static func personKey(_ user: ChatUser, network: String, foldedNick: String) -> String {
        Person(network: network, nick: foldedNick, identity: user.identity).key
    }

    /// Notes that `nick` did something at `time`; `away` is left as it was unless given.
    public func notePerson(network: String, nick: String, user: ChatUser, at time: Date, away: Bool?) async throws {
        let key = Self.personKey(user, network: network, foldedNick: nick)
        let values: [SQLValue] = [
            .text(network), .text(nick), .text(user.address), .text(key), .real(time.timeIntervalSince1970),
            .integer(away == true ? 1 : 0), .integer(user.isBot ? 1 : 0),
        ]
        let keepAway = away == nil ? "" : ", away = excluded.away"
        try await sql.execute(
            """
            INSERT INTO nudges_person (network, nick, address, person, last_active, away, is_bot) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (network, nick) DO UPDATE SET address = excluded.address, person = excluded.person,
                last_active = excluded.last_active, is_bot = excluded.is_bot\(keepAway)
            """, values)
        // Someone who was offline is back: what waited for them is due now.
        try await sql.execute(
            "UPDATE nudges_nudge SET due_at = ? WHERE network = ? AND recipient = ? AND state = 'pending' AND reason IN ('offline', 'away')",
            [.real(time.timeIntervalSince1970), .text(network), .text(nick)])
    }

    public func person(network: String, nick: String) async throws -> Seen? {
        guard let row = try await sql.query(
            "SELECT address, person, last_active, away, is_bot FROM nudges_person WHERE network = ? AND nick = ?",
            [.text(network), .text(nick)]
        ).first else { return nil }
        return Seen(
            address: row["address"].string ?? nick, key: row["person"].string ?? "\(network)/\(nick)",
            lastActive: Date(timeIntervalSince1970: row["last_active"].double ?? 0), away: row["away"].int == 1,
            isBot: row["is_bot"].int == 1)
    }

    /// Counts a failed delivery; returns the number of failures so far.
    public func countFailure(_ id: String) async throws -> Int {
        try await sql.query("UPDATE nudges_nudge SET attempts = attempts + 1 WHERE id = ? RETURNING attempts", [.text(id)])
            .first?["attempts"].int ?? 0
    }

    public func preferences(_ person: String) async throws -> NudgePreferences {
        try await store.get(NudgePreferences.self, "prefs/\(person)") ?? NudgePreferences()
    }

    public func setPreferences(_ preferences: NudgePreferences, for person: String) async throws {
        try await store.set(preferences, "prefs/\(person)")
    }
}

extension NudgeStore.Nudge {
    /// A new pending nudge for something owed, due `delay` after it became owed.
    public init(_ owed: NudgeTracker.Owed, recipient: String, delay: TimeInterval, expiry: TimeInterval) {
        self.init(
            id: owed.key, kind: owed.kind, network: owed.network, channel: owed.channel, recipient: recipient, address: owed.recipient,
            other: owed.other, excerpt: owed.excerpt, createdAt: owed.created, dueAt: owed.created.addingTimeInterval(delay),
            expiresAt: owed.created.addingTimeInterval(expiry), state: .pending, reason: "", sentAt: nil, source: owed.source)
    }
}

// MARK: - Personal data

/// A person's rows are those bound to their ``Person/key`` (their verified identity, or
/// `network/nick` without one) when they were written, never those of whoever uses a nick now.
extension NudgeStore {
    /// Everything kept about `person`: preferences, what they were reminded of, and reminders
    /// that name them.
    func personalData(about person: Person) async throws -> JSONValue {
        let key: [SQLValue] = [.text(person.key)]
        let reminded = try await sql.query(
            "SELECT network, kind, channel, other, excerpt, state, created_at, sent_at FROM nudges_nudge WHERE recipient_person = ?", key)
        let named = try await sql.query("SELECT network, kind, channel, state, created_at FROM nudges_nudge WHERE other_person = ?", key)
        let seen = try await sql.query("SELECT network, nick, address, last_active, away FROM nudges_person WHERE person = ?", key)
        let help = try await sql.query(
            "SELECT network, channel, helper, asker, at FROM nudges_help WHERE helper_person = ? OR asker_person = ?", key + key)
        let questions = try await sql.query("SELECT network, channel, excerpt, at, answered FROM nudges_question WHERE asker_person = ?", key)
        let channels = try await sql.query("SELECT network, channel, last_active FROM nudges_member WHERE person = ?", key)
        let digest = try await sql.query("SELECT network, period, next_due FROM nudges_digest WHERE person = ?", key)
        let preferences = try await self.preferences(person.key)
        let prefs = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(preferences))
        return .object([
            "preferences": prefs, "reminders_to_you": JSONValue(rows: reminded), "reminders_naming_you": JSONValue(rows: named),
            "last_seen": JSONValue(rows: seen), "help": JSONValue(rows: help), "open_questions": JSONValue(rows: questions),
            "channels": JSONValue(rows: channels), "digest": JSONValue(rows: digest),
        ])
    }

    /// Erases `person`'s preferences, their reminders and last-seen record, and their name in
    /// others' reminders.
    func forget(_ person: Person) async throws {
        let key: [SQLValue] = [.text(person.key)]
        try await sql.transaction { sql in
            try await sql.execute("DELETE FROM nudges_nudge WHERE recipient_person = ?", key)
            try await sql.execute(
                "UPDATE nudges_nudge SET other = 'someone', other_key = '', other_person = NULL, excerpt = '' WHERE other_person = ?", key)
            try await sql.execute("DELETE FROM nudges_person WHERE person = ?", key)
            for (table, column) in [("nudges_member", "person"), ("nudges_digest", "person"), ("nudges_question", "asker_person")] {
                try await sql.execute("DELETE FROM \(table) WHERE \(column) = ?", key)
            }
            try await sql.execute("DELETE FROM nudges_help WHERE helper_person = ? OR asker_person = ?", key + key)
        }
        try await store.set(NudgePreferences?.none, "prefs/\(person.key)")
    }

    /// Blanks the excerpts of reminders and questions from before `date`.
    func deleteText(olderThan date: Date) async throws {
        try await sql.execute("UPDATE nudges_nudge SET excerpt = '' WHERE created_at < ? AND excerpt <> ''", [.real(date.timeIntervalSince1970)])
        try await sql.execute("UPDATE nudges_question SET excerpt = '' WHERE at < ? AND excerpt <> ''", [.real(date.timeIntervalSince1970)])
    }
}
