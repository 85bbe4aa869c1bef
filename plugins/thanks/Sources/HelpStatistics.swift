public import Foundation
public import RapportCore
import RapportReciprocity

/// Read-only answers about who helps in a channel, from the thanks plugin's ledger.
///
/// The helper of an event is always its receiver: the one who answered (`answered`) or was
/// credited (`thanked`); the giver is the one who asked or thanked. People are their folded
/// nicks, per network. Every query is one or two SQL statements that both store backends run,
/// over indexes made for them (`thanks_event_period`, `thanks_event_*_pairs`, `thanks_question_*`).
///
/// ```swift
/// let stats = HelpStatistics(database: store)
/// let top = try await stats.helpers(network: "libera", channel: "#linux", period: .week(endingAt: .now), limit: 5)
/// ```
///
/// The thanks plugin must have run once on `database` (it creates the tables).
public struct HelpStatistics: Sendable {
    let ledger: ThanksLedger
    var sql: any Store { ledger.sql }

    public init(database: any Store) {
        ledger = ThanksLedger(PluginStore(namespace: ThanksPlugin.descriptor.id, database: database))
    }

    static let answered = SQLValue.text(HelpEvent.Kind.answered.rawValue)
    static let thanked = SQLValue.text(HelpEvent.Kind.thanked.rawValue)

    private func range(_ network: String, _ channel: String, _ period: HelpPeriod) -> [SQLValue] {
        [.text(network), .text(channel), .real(period.start.timeIntervalSince1970), .real(period.end.timeIntervalSince1970)]
    }

    // MARK: - Helpers

    /// Everyone who helped in the period, most answers first (then most people helped, then
    /// most thanks).
    public func helpers(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Helper] {
        try await sql.query(
            """
            SELECT receiver AS person, MAX(receiver_nick) AS nick, COUNT(DISTINCT giver) AS people,
                SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS answers, SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS thanks
            FROM thanks_event WHERE network = ? AND channel = ? AND at >= ? AND at < ?
            GROUP BY receiver ORDER BY answers DESC, people DESC, thanks DESC, receiver LIMIT ?
            """, [Self.answered, Self.thanked] + range(network, channel, period) + [.integer(Int64(limit))]
        ).map {
            Helper(
                person: $0["person"].string ?? "?", nick: $0["nick"].string ?? "?", answers: $0["answers"].int ?? 0,
                peopleHelped: $0["people"].int ?? 0, thanks: $0["thanks"].int ?? 0)
        }
    }

    /// Helpers who gave much and were thanked little (``UnsungRule``), the widest gap first.
    public func unsungHelpers(
        network: String, channel: String, period: HelpPeriod, rule: UnsungRule = UnsungRule(), limit: Int = .max
    ) async throws -> [Helper] {
        let unsung = try await helpers(network: network, channel: channel, period: period).filter(rule.isUnsung)
        return Array(unsung.sorted { ($0.answers - $0.thanks, $1.person) > ($1.answers - $1.thanks, $0.person) }.prefix(limit))
    }

    /// People whose very first answer in the channel was given in the period, earliest first.
    public func newcomers(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Newcomer] {
        try await sql.query(
            """
            SELECT e.receiver AS person, MAX(e.receiver_nick) AS nick, MIN(e.at) AS first_at, COUNT(*) AS answers
            FROM thanks_event e WHERE e.kind = ? AND e.network = ? AND e.channel = ? AND e.at >= ? AND e.at < ?
              AND NOT EXISTS (SELECT 1 FROM thanks_event p WHERE p.network = e.network AND p.channel = e.channel
                              AND p.kind = e.kind AND p.receiver = e.receiver AND p.at < ?)
            GROUP BY e.receiver ORDER BY first_at, e.receiver LIMIT ?
            """,
            [Self.answered] + range(network, channel, period)
                + [.real(period.start.timeIntervalSince1970), .integer(Int64(limit))]
        ).map {
            Newcomer(
                person: $0["person"].string ?? "?", nick: $0["nick"].string ?? "?",
                firstAnswer: Date(timeIntervalSince1970: $0["first_at"].double ?? 0), answers: $0["answers"].int ?? 0)
        }
    }

    /// People who asked in the period and never answered anyone in the channel, most questions
    /// first. Counts questions recorded since the question ledger exists (migration 2).
    public func onlyAskers(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Asker] {
        try await sql.query(
            """
            SELECT q.asker AS person, MAX(q.asker_nick) AS nick, COUNT(*) AS questions FROM thanks_question q
            WHERE q.network = ? AND q.channel = ? AND q.at >= ? AND q.at < ?
              AND NOT EXISTS (SELECT 1 FROM thanks_event e WHERE e.network = q.network AND e.channel = q.channel
                              AND e.kind = ? AND e.receiver = q.asker)
            GROUP BY q.asker ORDER BY questions DESC, q.asker LIMIT ?
            """, range(network, channel, period) + [Self.answered, .integer(Int64(limit))]
        ).map { Asker(person: $0["person"].string ?? "?", nick: $0["nick"].string ?? "?", questions: $0["questions"].int ?? 0) }
    }

    // MARK: - The channel

    /// Answers, thanks and questions per UTC day, oldest first; days with none are left out.
    public func perDay(network: String, channel: String, period: HelpPeriod) async throws -> [Day] {
        var days: [Int: Day] = [:]
        func day(_ row: SQLRow) -> Int? { row["day"].int }
        for row in try await sql.query(
            """
            SELECT day, SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS answers, SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS thanks
            FROM thanks_event WHERE network = ? AND channel = ? AND at >= ? AND at < ? GROUP BY day
            """, [Self.answered, Self.thanked] + range(network, channel, period))
        {
            guard let number = day(row) else { continue }
            days[number] = Day(
                day: Date(timeIntervalSince1970: Double(number) * 86400), answers: row["answers"].int ?? 0,
                thanks: row["thanks"].int ?? 0, questions: 0)
        }
        for row in try await sql.query(
            "SELECT day, COUNT(*) AS n FROM thanks_question WHERE network = ? AND channel = ? AND at >= ? AND at < ? GROUP BY day",
            range(network, channel, period))
        {
            guard let number = day(row) else { continue }
            days[number, default: Day(day: Date(timeIntervalSince1970: Double(number) * 86400), answers: 0, thanks: 0, questions: 0)]
                .questions = row["n"].int ?? 0
        }
        return days.values.sorted { $0.day < $1.day }
    }

    /// Who helped whom in the period, heaviest first. Erased people (`!forget me`) are left out.
    public func edges(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Edge] {
        try await sql.query(
            """
            SELECT receiver AS helper, MAX(receiver_nick) AS helper_nick, giver AS helped, MAX(giver_nick) AS helped_nick,
                COUNT(*) AS weight
            FROM thanks_event WHERE network = ? AND channel = ? AND at >= ? AND at < ? AND giver <> ?
            GROUP BY receiver, giver ORDER BY weight DESC, receiver, giver LIMIT ?
            """, range(network, channel, period) + [.text(ThanksLedger.forgotten), .integer(Int64(limit))]
        ).map {
            Edge(
                helper: $0["helper"].string ?? "?", helperNick: $0["helper_nick"].string ?? "?", helped: $0["helped"].string ?? "?",
                helpedNick: $0["helped_nick"].string ?? "?", weight: $0["weight"].int ?? 0)
        }
    }

    /// Questions asked in the period that nobody has answered, oldest first.
    public func openQuestions(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [OpenQuestion] {
        try await sql.query(
            """
            SELECT id, asker, asker_nick, at, excerpt FROM thanks_question
            WHERE network = ? AND channel = ? AND at >= ? AND at < ? AND answered_at IS NULL ORDER BY at, id LIMIT ?
            """, range(network, channel, period) + [.integer(Int64(limit))]
        ).map {
            OpenQuestion(
                id: $0["id"].string ?? "", asker: $0["asker"].string ?? "?", nick: $0["asker_nick"].string ?? "?",
                askedAt: Date(timeIntervalSince1970: $0["at"].double ?? 0), excerpt: $0["excerpt"].string ?? "")
        }
    }

    /// The period's help in numbers.
    public func activity(network: String, channel: String, period: HelpPeriod) async throws -> Activity {
        let events = try await sql.query(
            """
            SELECT SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS answers, SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS thanks,
                COUNT(DISTINCT receiver) AS helpers
            FROM thanks_event WHERE network = ? AND channel = ? AND at >= ? AND at < ?
            """, [Self.answered, Self.thanked] + range(network, channel, period)
        ).first
        let questions = try await sql.query(
            """
            SELECT COUNT(*) AS asked, SUM(CASE WHEN answered_at IS NULL THEN 1 ELSE 0 END) AS open
            FROM thanks_question WHERE network = ? AND channel = ? AND at >= ? AND at < ?
            """, range(network, channel, period)
        ).first
        return Activity(
            answers: events?["answers"].int ?? 0, thanks: events?["thanks"].int ?? 0, questions: questions?["asked"].int ?? 0,
            unanswered: questions?["open"].int ?? 0, helpers: events?["helpers"].int ?? 0)
    }

    // MARK: - One person

    /// What `person` (folded nick) gave and got on `network`, and with whom (at most `limit`
    /// each); with `identities` (everyone linked to them), their help on other networks too.
    public func balance(network: String, person: String, identities: [Identity] = [], limit: Int = 5) async throws -> Balance {
        let match = PersonMatch(network: network, nick: person, identities: identities)
        // Two statements, each on its own indexes (`thanks_event_*_pairs`, `thanks_event_*_identity`).
        func counts(_ side: String) async throws -> [SQLRow] {
            try await sql.query("SELECT kind, COUNT(*) AS n FROM thanks_event WHERE \(match.condition(side)) GROUP BY kind", match.values)
        }
        let given = try await counts("receiver"), got = try await counts("giver")
        func count(_ rows: [SQLRow], _ kind: SQLValue) -> Int { rows.first { $0["kind"] == kind }?["n"].int ?? 0 }
        let helped = try await ledger.helped(match, limit: limit)
        return Balance(
            answersGiven: count(given, Self.answered), answersReceived: count(got, Self.answered),
            thanksReceived: count(given, Self.thanked), thanksGiven: count(got, Self.thanked), helped: helped.to, helpedBy: helped.by)
    }
}
