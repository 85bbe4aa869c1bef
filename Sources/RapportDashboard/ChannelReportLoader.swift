import Foundation
import NudgesPlugin
import RapportCore
import ThanksPlugin

/// Reads a ``ChannelReport`` from the store: the thanks plugin's ledger (`thanks_event`) and
/// the nudges plugin's counts.
struct ChannelReportLoader: Sendable {
    let sql: any Store
    let nudges: NudgeStore
    let ledger: ThanksLedger

    /// How many helpers, unsung helpers and graph edges a page shows at most.
    static let listLimit = 10
    static let edgeLimit = 40

    init(store: any Store) {
        sql = store
        nudges = NudgeStore(PluginStore(namespace: "nudges", database: store))
        ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
    }

    /// The dashboard's own index on the ledger: every page reads one channel over a time range,
    /// and the index holds all the columns it needs, so no query touches the table itself.
    static let migrations = [
        Migration(1, "Index the help ledger by channel and time", [
            """
            CREATE INDEX dashboard_thanks_event_place ON thanks_event
                (network, channel, at, kind, receiver, giver, receiver_nick, giver_nick)
            """
        ])
    ]

    /// Creates the ledger (if the thanks plugin has not yet) and then the dashboard's index.
    func migrate() async throws {
        try await ledger.migrate()
        try await sql.migrate("dashboard_reports", Self.migrations)
    }

    /// The channels that have help events, by network: one index step per channel, however
    /// long the ledger.
    func channels() async throws -> [(network: String, channel: String)] {
        var places: [(network: String, channel: String)] = []
        var after: (network: String, channel: String) = ("", "")
        while let row = try await sql.query(
            "SELECT network, channel FROM thanks_event WHERE (network, channel) > (?, ?) ORDER BY network, channel LIMIT 1",
            [.text(after.network), .text(after.channel)]
        ).first, let network = row["network"].string, let channel = row["channel"].string {
            after = (network, channel)
            places.append(after)
        }
        return places
    }

    func report(network: String, channel: String, period: Period, now: Date) async throws -> ChannelReport {
        let since = period.since(now)
        let where_ = "WHERE network = ? AND channel = ? AND at >= ?"
        let place: [SQLValue] = [.text(network), .text(channel), .real(since.timeIntervalSince1970)]
        let helpers = try await sql.query(
            """
            SELECT MAX(receiver_nick) AS nick, SUM(CASE WHEN kind = 'answered' THEN 1 ELSE 0 END) AS answers,
                SUM(CASE WHEN kind = 'thanked' THEN 1 ELSE 0 END) AS thanks, COUNT(DISTINCT giver) AS people
            FROM thanks_event \(where_) GROUP BY receiver ORDER BY COUNT(*) DESC, receiver LIMIT 200
            """, place
        ).map { ChannelReport.Helper(nick: $0["nick"].string ?? "?", answers: $0["answers"].int ?? 0, peopleHelped: $0["people"].int ?? 0, thanks: $0["thanks"].int ?? 0) }
        let edges = try await sql.query(
            """
            SELECT MAX(receiver_nick) AS helper, MAX(giver_nick) AS helped, COUNT(*) AS n FROM thanks_event \(where_)
            GROUP BY receiver, giver ORDER BY n DESC, receiver, giver LIMIT \(Self.edgeLimit)
            """, place
        ).map { ChannelReport.Edge(helper: $0["helper"].string ?? "?", helped: $0["helped"].string ?? "?", weight: $0["n"].int ?? 0) }
        let nudgeCounts = try await nudges.counts(network: network, channel: channel, since: since)
        return ChannelReport(
            network: network, channel: channel, period: period, now: now,
            perDay: try await perDay(network: network, channel: channel, days: period.chartDays, now: now),
            edges: edges, helpers: Array(helpers.prefix(Self.listLimit)), unsung: Array(helpers.filter(Self.isUnsung).prefix(Self.listLimit)),
            openQuestions: [], nudgesSent: nudgeCounts[.sent] ?? 0, nudgesSuppressed: nudgeCounts[.dropped] ?? 0)
    }

    /// Unsung: at least three answers, and fewer thanks than a quarter of them.
    static func isUnsung(_ helper: ChannelReport.Helper) -> Bool { helper.answers >= 3 && helper.thanks * 4 < helper.answers }

    private func perDay(network: String, channel: String, days: Int, now: Date) async throws -> [ChannelReport.Day] {
        let today = (now.timeIntervalSince1970 / 86400).rounded(.down)
        let first = today - Double(days - 1)
        let rows = try await sql.query(
            """
            SELECT floor(at / 86400) AS day, COUNT(*) AS n FROM thanks_event
            WHERE network = ? AND channel = ? AND at >= ? GROUP BY floor(at / 86400)
            """, [.text(network), .text(channel), .real(first * 86400)])
        var counts: [Int: Int] = [:]
        for row in rows { if let day = row["day"].double { counts[Int(day)] = row["n"].int ?? 0 } }
        return (0..<days).map { offset in
            let day = Int(first) + offset
            return ChannelReport.Day(start: Date(timeIntervalSince1970: Double(day) * 86400), count: counts[day] ?? 0)
        }
    }
}
