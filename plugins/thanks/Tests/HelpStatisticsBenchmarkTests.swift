import Foundation
import RapportCore
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import ThanksPlugin

/// How long each ``HelpStatistics`` query takes over a big ledger (every row carrying identities,
/// as since migration 5): 20,000 events by default,
/// `RAPPORT_BENCH_EVENTS=1000000` for the dashboard's target. Prints one line per query; checks
/// that the answers add up (timings on a shared machine are reported, not asserted).
@Suite(.timeLimit(.minutes(5)))
struct HelpStatisticsBenchmarkTests {
    static let events = ProcessInfo.processInfo.environment["RAPPORT_BENCH_EVENTS"].flatMap(Int.init) ?? 20_000
    static let end = 1_800_000_000
    /// One event every this many seconds: a million events span about a year.
    static var step: Int { max(1, 365 * 86400 / events) }

    @Test func queriesOverABigLedgerOnSQLite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await measure(
            on: try SQLiteStore(path: folder.appendingPathComponent("bench.sqlite").path), backend: "sqlite", month: ThanksLedger.monthSQLite)
    }

    @Test func queriesOverABigLedgerOnPostgreSQL() async throws {
        try await TestPostgres.withStore { store in try await measure(on: store, backend: "postgres", month: ThanksLedger.monthPostgres, analyze: true) }
    }

    /// 300 helpers answer (two thirds) or are thanked by (one third) 2,000 people in `#big`; a
    /// quarter as many questions, one in five left open. Then the tallies are counted, as after
    /// any bulk load; `month` computes the month number from `at` in the store's dialect.
    func fill(_ store: any Store, month: String) async throws {
        let ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
        try await ledger.migrate()
        let sequence = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < \(Self.events))"
        let at = "(\(Self.end) - n * \(Self.step))"
        try await store.execute(
            """
            INSERT INTO thanks_event (id, kind, detection, network, channel, giver, giver_nick, receiver, receiver_nick, at, day,
                giver_identity, receiver_identity)
            \(sequence)
            SELECT 'e' || n, CASE WHEN n % 3 = 0 THEN 'thanked' ELSE 'answered' END, 'linked', 'bench', '#big',
                'u' || (n * 7 % 2000), 'u' || (n * 7 % 2000), 'h' || (n * 13 % 300), 'h' || (n * 13 % 300), \(at) * 1.0, \(at) / 86400,
                'irc:bench:u' || (n * 7 % 2000), 'irc:bench:h' || (n * 13 % 300)
            FROM seq
            """)
        try await store.execute(
            """
            INSERT INTO thanks_question (id, network, channel, asker, asker_nick, at, day, excerpt, answered_at)
            \(sequence)
            SELECT 'q' || n, 'bench', '#big', 'u' || (n * 11 % 2500), 'u' || (n * 11 % 2500), \(at) * 1.0, \(at) / 86400,
                'how do I do thing ' || n || '?', CASE WHEN n % 5 = 0 THEN NULL ELSE \(at) + 60.0 END
            FROM seq WHERE n % 4 = 0
            """)
        try await ledger.recount(months: month)
    }

    /// - Parameter analyze: Gather planner statistics after the bulk load, as PostgreSQL's
    ///   autovacuum does on its own in a real database (SQLite never does, so neither does its run).
    func measure(on store: any Store, backend: String, month: String, analyze: Bool = false) async throws {
        try await fill(store, month: month)
        if analyze { try await store.execute("ANALYZE") }
        let stats = HelpStatistics(database: store)
        let now = Date(timeIntervalSince1970: Double(Self.end))
        for period in [HelpPeriod.week(containing: now), .month(containing: now), .allTime] {
            func timed<T>(_ name: String, _ query: () async throws -> T) async throws -> T {
                let clock = ContinuousClock()
                var result: T?
                let elapsed = try await clock.measure { result = try await query() }
                print("bench \(backend) events=\(Self.events) period=\(period.label) \(name): \(elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1))))")
                return try #require(result)
            }
            let (network, channel) = ("bench", "#big")
            let helpers = try await timed("helpers") { try await stats.helpers(network: network, channel: channel, period: period) }
            _ = try await timed("unsungHelpers") { try await stats.unsungHelpers(network: network, channel: channel, period: period, limit: 5) }
            _ = try await timed("newcomers") { try await stats.newcomers(network: network, channel: channel, period: period, limit: 5) }
            _ = try await timed("onlyAskers") { try await stats.onlyAskers(network: network, channel: channel, period: period, limit: 5) }
            let days = try await timed("perDay") { try await stats.perDay(network: network, channel: channel, from: period.start, through: now) }
            let edges = try await timed("edges") { try await stats.edges(network: network, channel: channel, period: period, limit: 200) }
            let open = try await timed("openQuestions") { try await stats.openQuestions(network: network, channel: channel, period: period, limit: 20) }
            let activity = try await timed("activity") { try await stats.activity(network: network, channel: channel, period: period) }
            let balance = try await timed("balance") { try await stats.balance(PersonMatch(network: network, nick: "h7")) }
            let linked = [Identity.irc(network: "bench", account: "h7"), .matrix(userID: "@h7:example.org")]
            let both = try await timed("balance linked") { try await stats.balance(PersonMatch(network: network, nick: "h7", identities: linked)) }
            #expect(both.answersGiven == balance.answersGiven && both.thanksReceived == balance.thanksReceived, "a row matched twice counts once")
            #expect(helpers.map(\.answers).reduce(0, +) == activity.answers)
            let perDayTotal: Int = days.reduce(0) { $0 + $1.answers + $1.thanks }
            #expect(perDayTotal == activity.answers + activity.thanks)
            #expect(activity.answers + activity.thanks > 0 && activity.helpers == helpers.count)
            #expect(edges.count <= 200 && open.count <= 20)
        }
    }
}
