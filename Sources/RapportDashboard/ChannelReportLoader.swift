import Foundation
import NudgesPlugin
import RapportCore
import ThanksPlugin

/// Reads a ``ChannelReport`` from the store: the thanks plugin's ``HelpStatistics`` and the
/// nudges plugin's counts.
struct ChannelReportLoader: Sendable {
    let sql: any Store
    let statistics: HelpStatistics
    let nudges: NudgeStore
    let ledger: ThanksLedger

    /// How many helpers, unsung helpers and open questions a page lists, and graph edges it draws.
    static let listLimit = 10
    static let questionLimit = 20
    static let edgeLimit = 40

    init(store: any Store) {
        sql = store
        statistics = HelpStatistics(database: store)
        nudges = NudgeStore(PluginStore(namespace: "nudges", database: store))
        ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
    }

    /// Creates the ledger if the thanks plugin has not run yet, so that pages never fail on a
    /// fresh store.
    func migrate() async throws { try await ledger.migrate() }

    /// The channels that have help events, by network: one index seek per network and channel,
    /// however long the ledger.
    func channels() async throws -> [(network: String, channel: String)] {
        var places: [(network: String, channel: String)] = []
        var network = try await first("SELECT MIN(network) AS v FROM thanks_event WHERE network > ?", [.text("")])
        while let currentNetwork = network {
            let nextChannel = "SELECT MIN(channel) AS v FROM thanks_event WHERE network = ? AND channel > ?"
            var channel = try await first(nextChannel, [.text(currentNetwork), .text("")])
            while let currentChannel = channel {
                places.append((currentNetwork, currentChannel))
                channel = try await first(nextChannel, [.text(currentNetwork), .text(currentChannel)])
            }
            network = try await first("SELECT MIN(network) AS v FROM thanks_event WHERE network > ?", [.text(currentNetwork)])
        }
        return places
    }

    /// The text in column `v` of the first row, if any.
    private func first(_ query: String, _ arguments: [SQLValue]) async throws -> String? {
        try await sql.query(query, arguments).first?["v"].string
    }

    func report(network: String, channel: String, period: Period, now: Date) async throws -> ChannelReport {
        let range = period.helpPeriod(containing: now)
        let nudgeCounts = try await nudges.counts(network: network, channel: channel, since: range.start)
        return ChannelReport(
            network: network, channel: channel, period: period, now: now,
            perDay: try await perDay(network: network, channel: channel, days: period.chartDays, now: now),
            edges: try await statistics.edges(network: network, channel: channel, period: range, limit: Self.edgeLimit),
            helpers: try await statistics.helpers(network: network, channel: channel, period: range, limit: Self.listLimit),
            unsung: try await statistics.unsungHelpers(network: network, channel: channel, period: range, limit: Self.listLimit),
            openQuestions: try await statistics.openQuestions(network: network, channel: channel, period: range, limit: Self.questionLimit),
            nudgesSent: nudgeCounts[.sent] ?? 0, nudgesSuppressed: nudgeCounts[.dropped] ?? 0)
    }

    /// Answers and thanks per UTC day for the last `days` days, today included, zeros too.
    private func perDay(network: String, channel: String, days: Int, now: Date) async throws -> [ChannelReport.Day] {
        let today = (now.timeIntervalSince1970 / 86400).rounded(.down)
        let first = Date(timeIntervalSince1970: (today - Double(days - 1)) * 86400)
        var counts: [Date: Int] = [:]
        for day in try await statistics.perDay(network: network, channel: channel, from: first, through: now) { counts[day.day] = day.answers + day.thanks }
        return (0..<days).map { offset in
            let start = first.addingTimeInterval(Double(offset) * 86400)
            return ChannelReport.Day(start: start, count: counts[start] ?? 0)
        }
    }
}
