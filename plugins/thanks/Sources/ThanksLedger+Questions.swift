public import Foundation
public import RapportCore

/// Questions the engine saw, kept so that the ones nobody answered can be listed with their age.
///
/// A question's id names its message (``questionID(run:network:channel:message:sequence:)``),
/// so an `answered` event, which carries the message ID and sequence number of the question it
/// answers, finds its row without keeping any state, and a question read again is the same row.
extension ThanksLedger {
    /// How much of a question's text is kept.
    static let excerptLength = 200

    /// The network and message ID of a question that has one (a Matrix event, an IRC message
    /// with `msgid`); else the plugin run, the channel and the engine's sequence number.
    static func questionID(run: String, network: String, channel: String, message: MessageID?, sequence: Int) -> String {
        if let message { return "id/\(network)/\(message.rawValue)" }
        return "\(run)/\(network)/\(channel)/\(sequence)"
    }

    /// Records a question asked by `asker`; `excerpt` is empty when no text may be kept.
    func recordQuestion(id: String, network: String, channel: String, asker: ChatUser, casemapping: Casemapping, at time: Date, excerpt: String)
        async throws
    {
        try await sql.execute(
            """
            INSERT INTO thanks_question (id, network, channel, asker, asker_nick, asker_identity, at, day, excerpt, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING
            """,
            [.text(id), .text(network), .text(channel), .text(casemapping.fold(asker.nick)), .text(asker.nick),
             SQLValue(asker.identity?.rawValue), .real(time.timeIntervalSince1970), .integer(Self.day(time)),
             .text(String(excerpt.prefix(Self.excerptLength)))])
    }

    /// Marks a question answered (the first answer counts); returns whether it was open.
    @discardableResult
    func markAnswered(questionID: String, at time: Date) async throws -> Bool {
        try await sql.execute(
            "UPDATE thanks_question SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
            [.real(time.timeIntervalSince1970), .text(questionID)]) == 1
    }
}

// MARK: - Personal data

extension ThanksLedger {
    /// Every event `person` gave or received, and every question they asked, as JSON: their own
    /// rows only (``PersonMatch/own(_:linked:)``).
    public func personalData(about person: Person) async throws -> [String: JSONValue] {
        let match = PersonMatch.own(person)
        let events = try await sql.query(
            "SELECT * FROM thanks_event WHERE \(match.condition("giver")) OR \(match.condition("receiver")) ORDER BY at",
            match.values + match.values)
        let questions = try await sql.query(
            "SELECT channel, asker_nick, at, excerpt, answered_at FROM thanks_question WHERE \(match.condition("asker")) ORDER BY at",
            match.values)
        return ["help_events": JSONValue(rows: events), "questions": JSONValue(rows: questions)]
    }

    /// Erases `person` (their own rows, ``PersonMatch/own(_:linked:)``): their own karma and their
    /// questions go, and the credits they gave stay counted for the people they thanked but no
    /// longer name them; the tallies follow.
    ///
    /// The tallies change by exactly the rows each statement changed (as `RETURNING` reports
    /// them), so an event recorded meanwhile by another transaction is either forgotten and
    /// counted out, or left for later; never counted out without being forgotten.
    public func forget(_ person: Person) async throws {
        let match = PersonMatch.own(person)
        let columns = "kind, network, channel, giver, giver_nick, receiver, receiver_nick, at, day, month"
        try await sql.transaction { db in
            var changes = TallyChanges()
            for row in try await db.query(
                "DELETE FROM thanks_event WHERE \(match.condition("receiver")) RETURNING \(columns)", match.values)
            {
                if let event = TallyChanges.Event(row) { changes.add(event, count: -1) }
            }
            // Their credits come back under `forgotten`, a chunk at a time, until none is left.
            while true {
                let given = try await db.query(
                    """
                    SELECT id, \(columns) FROM thanks_event WHERE \(match.condition("giver")) AND giver <> ? LIMIT \(Self.forgetChunk)
                    """, match.values + [.text(Self.forgotten)])
                guard !given.isEmpty else { break }
                let ids = given.map { $0["id"] }
                let changed = Set(
                    try await db.query(
                        """
                        UPDATE thanks_event SET giver = ?, giver_nick = ?, giver_identity = NULL, reason = NULL, message_id = NULL
                        WHERE \(match.condition("giver")) AND id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
                        RETURNING id
                        """, [.text(Self.forgotten), .text(Self.forgotten)] + match.values + ids
                    ).compactMap { $0["id"].string })
                for row in given where changed.contains(row["id"].string ?? "") {
                    guard var event = TallyChanges.Event(row) else { continue }
                    changes.add(event, count: -1)
                    event.helped = .init(key: Self.forgotten, nick: Self.forgotten)
                    changes.add(event)
                }
            }
            try await db.execute("DELETE FROM thanks_question WHERE \(match.condition("asker"))", match.values)
            try await changes.write(to: db)
        }
    }

    /// How many of a forgotten person's credits are rewritten per statement.
    static let forgetChunk = 500

    /// Deletes the reasons typed with `!thanks` and the question excerpts from before `date`.
    public func deleteText(olderThan date: Date) async throws {
        try await sql.transaction { db in
            try await db.execute(
                "UPDATE thanks_event SET reason = NULL WHERE reason IS NOT NULL AND at < ?", [.real(date.timeIntervalSince1970)])
            try await db.execute(
                "UPDATE thanks_question SET excerpt = '' WHERE excerpt <> '' AND at < ?", [.real(date.timeIntervalSince1970)])
        }
    }

    /// Who a forgotten giver becomes.
    static let forgotten = "(forgotten)"
}
