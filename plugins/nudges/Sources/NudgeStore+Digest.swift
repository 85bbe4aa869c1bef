public import Foundation
public import RapportCore

/// What the give-back digest needs: who helped whom, questions nobody answered, who speaks in
/// which channel, and who asked for a digest how often. Nicks are folded.
extension NudgeStore {
    /// A question nobody has answered yet.
    public struct OpenQuestion: Sendable, Hashable {
        public var channel: String
        public var excerpt: String
        public var askedAt: Date
    }

    /// What one digest says.
    public struct DigestFigures: Sendable, Hashable {
        /// The start of the time it covers.
        public var since: Date
        /// How often the person answered someone's question, and how often someone answered theirs.
        public var helped: Int
        public var helpedBy: Int
        /// Up to three open questions of others in the person's channels, newest first.
        public var open: [OpenQuestion]
    }

    /// Help and questions are kept this long: enough for a weekly digest.
    static let digestHistory: TimeInterval = 8 * 86400

    public func recordHelp(network: String, channel: String, helper: String, asker: String, at time: Date, source: MessageID?) async throws {
        let (helperPerson, askerPerson) = (Self.personBinding(network: network, nick: helper), Self.personBinding(network: network, nick: asker))
        try await sql.execute(
            """
            INSERT INTO nudges_help (network, channel, helper, asker, at, source, helper_person, asker_person)
            VALUES (?, ?, ?, ?, ?, ?, \(helperPerson.sql), \(askerPerson.sql)) ON CONFLICT DO NOTHING
            """,
            [.text(network), .text(channel), .text(helper), .text(asker), .real(time.timeIntervalSince1970), SQLValue(source?.rawValue)]
                + helperPerson.values + askerPerson.values)
    }

    /// Records a question to no one in particular; `question` is its key within the channel.
    public func recordQuestion(network: String, channel: String, question: String, asker: String, excerpt: String, at time: Date) async throws {
        let person = Self.personBinding(network: network, nick: asker)
        try await sql.execute(
            """
            INSERT INTO nudges_question (id, network, channel, asker, excerpt, at, asker_person) VALUES (?, ?, ?, ?, ?, ?, \(person.sql))
            ON CONFLICT (id) DO NOTHING
            """,
            [.text(Self.questionID(network, channel, question)), .text(network), .text(channel), .text(asker), .text(excerpt),
             .real(time.timeIntervalSince1970)] + person.values)
    }

    public func markAnswered(network: String, channel: String, question: String) async throws {
        try await sql.execute("UPDATE nudges_question SET answered = 1 WHERE id = ?", [.text(Self.questionID(network, channel, question))])
    }

    private static func questionID(_ network: String, _ channel: String, _ question: String) -> String {
        [network, channel.lowercased(), question].joined(separator: "|")
    }

    /// Notes that `nick` spoke in `channel`: its open questions are theirs to see.
    public func noteMember(network: String, nick: String, channel: String, at time: Date) async throws {
        let person = Self.personBinding(network: network, nick: nick)
        try await sql.execute(
            """
            INSERT INTO nudges_member (network, nick, channel, last_active, person) VALUES (?, ?, ?, ?, \(person.sql))
            ON CONFLICT (network, nick, channel) DO UPDATE SET last_active = excluded.last_active, person = excluded.person
            """, [.text(network), .text(nick), .text(channel), .real(time.timeIntervalSince1970)] + person.values)
    }

    /// Turns a person's digest on (every `period` seconds, the first one a period from `now`) or off (`nil`).
    public func setDigest(network: String, nick: String, period: TimeInterval?, now: Date) async throws {
        guard let period else {
            try await sql.execute("DELETE FROM nudges_digest WHERE network = ? AND nick = ?", [.text(network), .text(nick)])
            return
        }
        let person = Self.personBinding(network: network, nick: nick)
        try await sql.execute(
            """
            INSERT INTO nudges_digest (network, nick, period, next_due, person) VALUES (?, ?, ?, ?, \(person.sql))
            ON CONFLICT (network, nick) DO UPDATE SET period = excluded.period, next_due = excluded.next_due, person = excluded.person
            """, [.text(network), .text(nick), .real(period), .real(now.timeIntervalSince1970 + period)] + person.values)
    }

    /// How often a person gets the digest, in seconds; `nil` when they do not.
    public func digestPeriod(network: String, nick: String) async throws -> TimeInterval? {
        try await sql.query("SELECT period FROM nudges_digest WHERE network = ? AND nick = ?", [.text(network), .text(nick)]).first?["period"].double
    }

    /// Creates a pending digest nudge for every subscription that has fallen due, then moves the
    /// subscription on to its next period, and forgets help and questions too old for any digest.
    ///
    /// Each digest's ID names its period, and the subscription moves on only from the period it
    /// was read at, so a restart (or a second instance) at any point never creates one twice.
    public func scheduleDigests(at now: Date) async throws {
        let due = try await sql.query(
            """
            SELECT d.network, d.nick, d.period, d.next_due, d.person, p.address FROM nudges_digest d
            LEFT JOIN nudges_person p ON p.network = d.network AND p.nick = d.nick WHERE d.next_due <= ?
            """, [.real(now.timeIntervalSince1970)])
        for row in due {
            guard let network = row["network"].string, let nick = row["nick"].string, let period = row["period"].double, period > 0,
                let dueAt = row["next_due"].double
            else { continue }
            let digest = Nudge(
                id: "digest|\(network)|\(nick)|\(Int(dueAt))", kind: .digest, network: network, channel: "", recipient: nick,
                address: row["address"].string ?? nick, other: "", excerpt: "", createdAt: Date(timeIntervalSince1970: dueAt - period),
                dueAt: Date(timeIntervalSince1970: dueAt), expiresAt: Date(timeIntervalSince1970: dueAt + period), state: .pending,
                reason: "", sentAt: nil, recipientPerson: row["person"].string)
            try await add(digest, otherKey: "")
            let periods = ((now.timeIntervalSince1970 - dueAt) / period).rounded(.down) + 1
            try await sql.execute(
                "UPDATE nudges_digest SET next_due = ? WHERE network = ? AND nick = ? AND next_due = ?",
                [.real(dueAt + periods * period), .text(network), .text(nick), .real(dueAt)])
        }
        let old = SQLValue.real(now.timeIntervalSince1970 - Self.digestHistory)
        try await sql.execute("DELETE FROM nudges_help WHERE at < ?", [old])
        try await sql.execute("DELETE FROM nudges_question WHERE at < ?", [old])
    }

    /// What the digest for `nick` says about the time since `start`, or since the last digest
    /// sent to them if that is earlier (a snooze or quiet hours swallowed one).
    public func digestFigures(network: String, nick: String, since start: Date) async throws -> DigestFigures {
        let last = try await sql.query(
            "SELECT MAX(sent_at) AS last FROM nudges_nudge WHERE network = ? AND recipient = ? AND kind = 'digest' AND state = 'sent'",
            [.text(network), .text(nick)]
        ).first?["last"].double
        let start = min(start.timeIntervalSince1970, last ?? .infinity)
        let since = SQLValue.real(start)
        func count(_ column: String) async throws -> Int {
            try await sql.query(
                "SELECT COUNT(*) AS n FROM nudges_help WHERE network = ? AND \(column) = ? AND at >= ?", [.text(network), .text(nick), since]
            ).first?["n"].int ?? 0
        }
        let open = try await sql.query(
            """
            SELECT q.channel, q.excerpt, q.at FROM nudges_question q
            JOIN nudges_member m ON m.network = q.network AND m.channel = q.channel AND m.nick = ?
            WHERE q.network = ? AND q.answered = 0 AND q.asker <> ? AND q.excerpt <> '' AND q.at >= ?
            ORDER BY q.at DESC LIMIT 3
            """, [.text(nick), .text(network), .text(nick), since]
        ).map { row in
            OpenQuestion(
                channel: row["channel"].string ?? "", excerpt: row["excerpt"].string ?? "",
                askedAt: Date(timeIntervalSince1970: row["at"].double ?? 0))
        }
        return DigestFigures(
            since: Date(timeIntervalSince1970: start), helped: try await count("helper"), helpedBy: try await count("asker"), open: open)
    }
}
