import Foundation
import RapportCore
import RapportReciprocity

/// Changes to the ledger's tallies (`ThanksLedger+Tallies.swift`), summed per tally row before
/// they are written: one event as it is recorded, or every event of a person as `!forget me`
/// removes or rewrites them — a few statements per row, however long the channel's history.
struct TallyChanges {
    /// A person as the tallies name them.
    struct Name: Hashable {
        var key: String
        var nick: String
    }

    /// One event as the tallies see it: its helper is the receiver, the one helped the giver.
    struct Event {
        var kind: HelpEvent.Kind
        var network: String
        var channel: String
        var helper: Name
        var helped: Name
        var at: Double
        var day: Int64
        var month: Int64
    }

    private struct Counts {
        var answers: Int64 = 0
        var thanks: Int64 = 0
        /// The nicks as last written (one spelling of each key).
        var helperNick = ""
        var helpedNick = ""
        var isZero: Bool { answers == 0 && thanks == 0 }
        var removes: Bool { answers < 0 || thanks < 0 }
    }

    private struct PairKey: Hashable {
        var network, channel, period, helper, helped: String
    }

    private struct HelperKey: Hashable {
        var network, channel, period, helper: String
    }

    private struct DayKey: Hashable {
        var network, channel: String
        var day: Int64
    }

    private var pairs: [PairKey: Counts] = [:]
    private var helpers: [HelperKey: Counts] = [:]
    /// The earliest answer added per helper of the `all` period (the only one that keeps it).
    private var firstAnswers: [HelperKey: Double] = [:]
    private var days: [DayKey: Counts] = [:]

    init() {}

    /// The changes that recording `event` makes.
    init(_ event: Event) { add(event) }

    /// Counts `event` `count` times more (−1 takes it out again).
    mutating func add(_ event: Event, count: Int64 = 1) {
        let (answers, thanks): (Int64, Int64) = event.kind == .answered ? (count, 0) : (0, count)
        func plus(_ into: inout Counts) {
            (into.answers, into.thanks) = (into.answers + answers, into.thanks + thanks)
            (into.helperNick, into.helpedNick) = (event.helper.nick, event.helped.nick)
        }
        for period in ["all", "w\(HelpPeriod.weekNumber(event.day))", "m\(event.month)"] {
            let pair = PairKey(network: event.network, channel: event.channel, period: period, helper: event.helper.key, helped: event.helped.key)
            plus(&pairs[pair, default: Counts()])
            let helper = HelperKey(network: event.network, channel: event.channel, period: period, helper: event.helper.key)
            plus(&helpers[helper, default: Counts()])
            if period == "all", event.kind == .answered, count > 0 { firstAnswers[helper] = min(firstAnswers[helper] ?? event.at, event.at) }
        }
        plus(&days[DayKey(network: event.network, channel: event.channel, day: event.day), default: Counts()])
    }

    /// Writes the changes, one statement per table (``upsert``); a row whose counts fall to zero
    /// goes. Call it after the events themselves were written or deleted: a helper who lost
    /// answers gets their first answer looked up again.
    func write(to db: any SQLExecutor) async throws {
        let pairs = self.pairs.filter { !$0.value.isZero }
        try await Self.pairUpsert.run(
            pairs.map { key, counts in
                [.text(key.network), .text(key.channel), .text(key.period), .text(key.helper), .text(key.helped),
                 .text(counts.helperNick), .text(counts.helpedNick), .integer(counts.answers), .integer(counts.thanks),
                 .integer(counts.answers + counts.thanks)]
            }, on: db)
        for (key, counts) in pairs where counts.removes {
            try await db.execute(
                "DELETE FROM thanks_tally_pair WHERE network = ? AND channel = ? AND period = ? AND helper = ? AND helped = ? AND weight <= 0",
                [.text(key.network), .text(key.channel), .text(key.period), .text(key.helper), .text(key.helped)])
        }
        let helpers = self.helpers.filter { key, counts in !counts.isZero || firstAnswers[key] != nil }
        try await Self.helperUpsert.run(
            helpers.map { key, counts in
                [.text(key.network), .text(key.channel), .text(key.period), .text(key.helper), .text(counts.helperNick),
                 .integer(counts.answers), .integer(counts.thanks), firstAnswers[key].map(SQLValue.real) ?? .null]
            }, on: db)
        for (key, counts) in helpers where counts.removes {
            let row: [SQLValue] = [.text(key.network), .text(key.channel), .text(key.period), .text(key.helper)]
            try await db.execute(
                "DELETE FROM thanks_tally_helper WHERE network = ? AND channel = ? AND period = ? AND helper = ? AND answers <= 0 AND thanks <= 0",
                row)
            if key.period == "all", counts.answers < 0 {
                try await db.execute(
                    """
                    UPDATE thanks_tally_helper SET first_answer_at = (
                        SELECT MIN(at) FROM thanks_event e WHERE e.network = thanks_tally_helper.network
                          AND e.channel = thanks_tally_helper.channel AND e.kind = 'answered' AND e.receiver = thanks_tally_helper.helper)
                    WHERE network = ? AND channel = ? AND period = ? AND helper = ?
                    """, row)
            }
        }
        let days = self.days.filter { !$0.value.isZero }
        try await Self.dayUpsert.run(
            days.map { key, counts in
                [.text(key.network), .text(key.channel), .integer(key.day), .integer(counts.answers), .integer(counts.thanks)]
            }, on: db)
        for (key, counts) in days where counts.removes {
            try await db.execute(
                "DELETE FROM thanks_tally_day WHERE network = ? AND channel = ? AND day = ? AND answers <= 0 AND thanks <= 0",
                [.text(key.network), .text(key.channel), .integer(key.day)])
        }
    }

    private static let pairUpsert = Upsert(
        "thanks_tally_pair (network, channel, period, helper, helped, helper_nick, helped_nick, answers, thanks, weight)",
        columns: 10,
        """
        ON CONFLICT (network, channel, period, helper, helped) DO UPDATE SET
            helper_nick = excluded.helper_nick, helped_nick = excluded.helped_nick,
            answers = thanks_tally_pair.answers + excluded.answers, thanks = thanks_tally_pair.thanks + excluded.thanks,
            weight = thanks_tally_pair.weight + excluded.weight
        """)

    private static let helperUpsert = Upsert(
        "thanks_tally_helper (network, channel, period, helper, nick, answers, thanks, first_answer_at)", columns: 8,
        """
        ON CONFLICT (network, channel, period, helper) DO UPDATE SET nick = excluded.nick,
            answers = thanks_tally_helper.answers + excluded.answers, thanks = thanks_tally_helper.thanks + excluded.thanks,
            first_answer_at = CASE
                WHEN thanks_tally_helper.first_answer_at IS NULL OR excluded.first_answer_at < thanks_tally_helper.first_answer_at
                THEN excluded.first_answer_at ELSE thanks_tally_helper.first_answer_at END
        """)

    private static let dayUpsert = Upsert(
        "thanks_tally_day (network, channel, day, answers, thanks)", columns: 5,
        """
        ON CONFLICT (network, channel, day) DO UPDATE SET
            answers = thanks_tally_day.answers + excluded.answers, thanks = thanks_tally_day.thanks + excluded.thanks
        """)
}

/// An `INSERT … VALUES … ON CONFLICT` of many rows in one statement: an event changes three
/// rows of a tally table (one per period), and a statement costs more than a row.
private struct Upsert {
    /// Rows per statement at most; fixed sizes keep the store's prepared statements few.
    static let chunk = 16
    let statements: [String]

    init(_ table: String, columns: Int, _ conflict: String) {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        statements = (1...Self.chunk).map { count in
            "INSERT INTO \(table) VALUES " + Array(repeating: row, count: count).joined(separator: ", ") + "\n" + conflict
        }
    }

    func run(_ rows: [[SQLValue]], on db: any SQLExecutor) async throws {
        var rest = rows[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(Self.chunk)
            rest = rest.dropFirst(chunk.count)
            try await db.execute(statements[chunk.count - 1], Array(chunk.joined()))
        }
    }
}

extension TallyChanges.Event {
    /// An event read from `thanks_event`; `nil` for a row with an unknown kind.
    init?(_ row: SQLRow) {
        guard let kind = row["kind"].string.flatMap(HelpEvent.Kind.init(rawValue:)), let network = row["network"].string,
            let channel = row["channel"].string, let at = row["at"].double, let day = row["day"].int, let month = row["month"].int
        else { return nil }
        self.init(
            kind: kind, network: network, channel: channel,
            helper: TallyChanges.Name(key: row["receiver"].string ?? "", nick: row["receiver_nick"].string ?? ""),
            helped: TallyChanges.Name(key: row["giver"].string ?? "", nick: row["giver_nick"].string ?? ""), at: at, day: Int64(day),
            month: Int64(month))
    }
}
