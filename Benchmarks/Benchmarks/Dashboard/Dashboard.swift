import Benchmark
import BenchmarkConfiguration
import BenchmarkInputs
import Foundation
import NudgesPlugin
import RapportCore
import RapportDashboard
import RapportStoreSQLite
import ThanksPlugin

/// Dashboard pages (the store queries plus the HTML and SVG, without the session check and
/// the socket) over a ledger of `RAPPORT_BENCH_EVENTS` help events (default 10,000), filled
/// once in an in-memory SQLite store: half in `#busy`, the rest in nine `#quietN` channels,
/// over a year, among 2,000 people.
let benchmarks: @Sendable () -> Void = {
    let events = ProcessInfo.processInfo.environment["RAPPORT_BENCH_EVENTS"].flatMap { Int($0) } ?? 10_000
    let ledger = FilledLedger(events: events)
    let pages: [(String, @Sendable (DashboardRenderer) async throws -> String)] = [
        ("channel-list", { try await $0.indexPage() }),
        ("busy-channel-week", { try await $0.channelPage(network: FilledLedger.network, channel: "#busy", period: .week, now: FilledLedger.now) }),
        ("busy-channel-all-time", { try await $0.channelPage(network: FilledLedger.network, channel: "#busy", period: .all, now: FilledLedger.now) }),
    ]
    for (name, page) in pages {
        Benchmark(
            "\(name)-\(events)-events", configuration: .rapport(maxIterations: 200),
            closure: { benchmark, renderer in
                try await benchmark.measuringCPU { blackHole(try await page(renderer)) }
            },
            setup: { try await ledger.renderer() })
    }
}

/// The store behind the pages, filled on first use and shared by every page's benchmark.
actor FilledLedger {
    static let network = "bench"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    let events: Int
    private var filled: DashboardRenderer?

    init(events: Int) { self.events = events }

    func renderer() async throws -> DashboardRenderer {
        if let filled { return filled }
        let store = try SQLiteStore()
        let renderer = DashboardRenderer(store: store)
        try await renderer.migrate()
        try await NudgeStore(PluginStore(namespace: "nudges", database: store)).migrate()
        try await fill(store)
        try await ThanksLedger(PluginStore(namespace: "thanks", database: store)).recount(months: ThanksLedger.monthSQLite)
        filled = renderer
        return renderer
    }

    /// Inserts the events straight into `thanks_event`, 500 rows per statement, in one
    /// transaction per 50,000 (the tallies are counted afterwards, as after any bulk import).
    private func fill(_ store: any Store) async throws {
        var random = SeededGenerator(seed: 4)
        var done = 0
        while done < events {
            let chunk = min(50_000, events - done)
            let statements = stride(from: 0, to: chunk, by: 500).map { start in
                (start..<min(start + 500, chunk)).flatMap { n in Self.row(id: done + n, using: &random) }
            }
            try await store.transaction { db in
                for values in statements {
                    let placeholders = Array(repeating: "(?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?)", count: values.count / 10).joined(separator: ", ")
                    _ = try await db.execute(
                        "INSERT INTO thanks_event (id, kind, detection, network, channel, giver, giver_nick, receiver, receiver_nick, at, day) VALUES \(placeholders)",
                        values)
                }
            }
            done += chunk
        }
    }

    /// One event's ten values: a few people do most of the helping.
    private static func row(id: Int, using random: inout SeededGenerator) -> [SQLValue] {
        let channel = Bool.random(using: &random) ? "#busy" : "#quiet\(Int.random(in: 1...9, using: &random))"
        let helper = "p\(Int(pow(Double.random(in: 0..<1, using: &random), 3) * 2000))"
        let helped = "p\(Int.random(in: 0..<2000, using: &random))"
        let kind = Int.random(in: 0..<3, using: &random) == 0 ? "thanked" : "answered"
        let at = now.timeIntervalSince1970 - Double.random(in: 0..<(365 * 86400), using: &random)
        return [
            .text("e\(id)"), .text(kind), .text(network), .text(channel), .text(helped), .text(helped), .text(helper), .text(helper),
            .real(at), .integer(Int64((at / 86400).rounded(.down))),
        ]
    }
}
