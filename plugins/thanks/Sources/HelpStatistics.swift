public import Foundation
public import RapportCore
import RapportReciprocity

/// Read-only answers about who helps in a channel, from the thanks plugin's ledger.
///
/// The helper of an event is always its receiver: the one who answered (`answered`) or was
/// credited (`thanked`); the giver is the one who asked or thanked. People are their folded
/// nicks, per network. Channel figures come from the ledger's running totals per calendar
/// period (`ThanksLedger+Tallies.swift`), so a page about a channel with a million events reads
/// a few hundred rows; questions from `thanks_question` over its indexes.
///
/// ```swift
/// let stats = HelpStatistics(database: store)
/// let top = try await stats.helpers(network: "libera", channel: "#linux", period: .week(containing: .now), limit: 5)
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

    /// The arguments of `network = ? AND channel = ? AND period = ?`.
    private func tally(_ network: String, _ channel: String, _ period: HelpPeriod) -> [SQLValue] {
        [.text(network), .text(channel), .text(period.key)]
    }

    /// The arguments of `network = ? AND channel = ? AND at >= ? AND at < ?`.
    private func range(_ network: String, _ channel: String, _ period: HelpPeriod) -> [SQLValue] {
        [.text(network), .text(channel), .real(period.start.timeIntervalSince1970), .real(period.end.timeIntervalSince1970)]
    }

    // MARK: - Helpers

    /// Everyone who helped in the period, most answers first (then most thanks).
    public func helpers(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Helper] {
        try await helpers(where: "", [], order: "answers DESC, thanks DESC, helper", network, channel, period, limit)
    }

    /// Helpers who gave much and were thanked little (``UnsungRule``), the widest gap first.
    public func unsungHelpers(
        network: String, channel: String, period: HelpPeriod, rule: UnsungRule = UnsungRule(), limit: Int = .max
    ) async throws -> [Helper] {
        try await helpers(
            where: "AND answers >= ? AND thanks <= answers * CAST(? AS DOUBLE PRECISION)", [.integer(Int64(rule.minimumAnswers)), .real(rule.maximumThanksPerAnswer)],
            order: "answers - thanks DESC, helper", network, channel, period, limit)
    }

    /// The period's helpers that satisfy `condition`, in `order`, with the number of people each
    /// helped (counted for the listed ones only).
    private func helpers(
        where condition: String, _ values: [SQLValue], order: String, _ network: String, _ channel: String, _ period: HelpPeriod,
        _ limit: Int
    ) async throws -> [Helper] {
        try await sql.query(
            """
            SELECT helper, nick, answers, thanks,
                (SELECT COUNT(*) FROM thanks_tally_pair p
                 WHERE p.network = h.network AND p.channel = h.channel AND p.period = h.period AND p.helper = h.helper) AS people
            FROM (SELECT * FROM thanks_tally_helper WHERE network = ? AND channel = ? AND period = ? \(condition)
                  ORDER BY \(order) LIMIT ?) h
            ORDER BY \(order)
            """, tally(network, channel, period) + values + [.integer(Int64(limit))]
        ).map {
            Helper(
                person: $0["helper"].string ?? "?", nick: $0["nick"].string ?? "?", answers: $0["answers"].int ?? 0,
                peopleHelped: $0["people"].int ?? 0, thanks: $0["thanks"].int ?? 0)
        }
    }

    /// People whose very first answer in the channel was given in the period, earliest first.
    public func newcomers(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Newcomer] {
        try await sql.query(
            """
            SELECT f.helper AS helper, p.nick AS nick, f.first_answer_at AS first_at, p.answers AS answers
            FROM thanks_tally_helper f JOIN thanks_tally_helper p
              ON p.network = f.network AND p.channel = f.channel AND p.period = ? AND p.helper = f.helper
            WHERE f.network = ? AND f.channel = ? AND f.period = 'all' AND f.first_answer_at >= ? AND f.first_answer_at < ?
            ORDER BY f.first_answer_at, f.helper LIMIT ?
            """,
            [.text(period.key)] + range(network, channel, period) + [.integer(Int64(limit))]
        ).map {
            Newcomer(
                person: $0["helper"].string ?? "?", nick: $0["nick"].string ?? "?",
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
              AND NOT EXISTS (SELECT 1 FROM thanks_tally_helper h WHERE h.network = q.network AND h.channel = q.channel
                              AND h.period = 'all' AND h.helper = q.asker AND h.answers > 0)
            GROUP BY q.asker ORDER BY questions DESC, q.asker LIMIT ?
            """, range(network, channel, period) + [.integer(Int64(limit))]
        ).map { Asker(person: $0["person"].string ?? "?", nick: $0["nick"].string ?? "?", questions: $0["questions"].int ?? 0) }
    }

    // MARK: - The channel

    /// Answers, thanks and questions per UTC day of the days from `first` to `last` (both
    /// included), oldest first; days with none are left out.
    public func perDay(network: String, channel: String, from first: Date, through last: Date) async throws -> [Day] {
        let (firstDay, lastDay) = (ThanksLedger.day(first), ThanksLedger.day(last))
        var days: [Int64: Day] = [:]
        func update(_ row: SQLRow, _ change: (inout Day) -> Void) {
            guard let number = row["day"].int.map(Int64.init) else { return }
            change(&days[number, default: Day(day: Date(timeIntervalSince1970: Double(number) * 86400), answers: 0, thanks: 0, questions: 0)])
        }
        for row in try await sql.query(
            "SELECT day, answers, thanks FROM thanks_tally_day WHERE network = ? AND channel = ? AND day >= ? AND day <= ?",
            [.text(network), .text(channel), .integer(firstDay), .integer(lastDay)])
        {
            update(row) { $0.answers = row["answers"].int ?? 0; $0.thanks = row["thanks"].int ?? 0 }
        }
        for row in try await sql.query(
            "SELECT day, COUNT(*) AS n FROM thanks_question WHERE network = ? AND channel = ? AND at >= ? AND at < ? GROUP BY day",
            [.text(network), .text(channel), .real(Double(firstDay) * 86400), .real(Double(lastDay + 1) * 86400)])
        {
            update(row) { $0.questions = row["n"].int ?? 0 }
        }
        return days.values.sorted { $0.day < $1.day }
    }

    /// Who helped whom in the period, heaviest first. Erased people (`!forget me`) are left out.
    public func edges(network: String, channel: String, period: HelpPeriod, limit: Int = .max) async throws -> [Edge] {
        try await sql.query(
            """
            SELECT helper, helper_nick, helped, helped_nick, weight FROM thanks_tally_pair
            WHERE network = ? AND channel = ? AND period = ? AND helped <> ?
            ORDER BY weight DESC, helper, helped LIMIT ?
            """, tally(network, channel, period) + [.text(ThanksLedger.forgotten), .integer(Int64(limit))]
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
            SELECT SUM(answers) AS answers, SUM(thanks) AS thanks, COUNT(*) AS helpers
            FROM thanks_tally_helper WHERE network = ? AND channel = ? AND period = ?
            """, tally(network, channel, period)
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

    /// What the person `match` selects gave and got, and with whom (at most `limit` each).
    public func balance(_ match: PersonMatch, limit: Int = 5) async throws -> Balance {
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
