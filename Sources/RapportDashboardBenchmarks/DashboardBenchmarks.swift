import Foundation
import Glibc
import Logging
import NudgesPlugin
import RapportCore
import RapportDashboard
import RapportStorePostgres
import RapportStoreSQLite
import ThanksPlugin

/// Times each dashboard page (queries + HTML) with a large ledger in the store.
///
/// ```
/// RapportDashboardBenchmarks [EVENTS] [postgres://… | FILE.sqlite]
/// ```
/// Adds EVENTS help events (default 1 000 000) to the store: half to `#busy`, the rest to nine
/// other channels, over a year, among 2 000 people, then counts the thanks ledger's tallies. Without a store argument a new SQLite file
/// in the temporary directory is used; `0 FILE.sqlite` times an already filled file again.
@main
enum DashboardBenchmarks {
    static let network = "bench"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let events = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let store: any Store
        let month: String
        let target = arguments.dropFirst().first
        if let target, target.hasPrefix("postgres") {
            store = try await PostgresStore.open(try PostgresURL(target))
            month = ThanksLedger.monthPostgres
        } else {
            month = ThanksLedger.monthSQLite
            let path = target ?? FileManager.default.temporaryDirectory.appendingPathComponent("rapport-dashboard-bench-\(UUID().uuidString).sqlite").path
            store = try SQLiteStore(path: path)
            say("store: SQLite \(path)")
        }
        let renderer = DashboardRenderer(store: store)
        try await renderer.migrate()
        try await NudgeStore(PluginStore(namespace: "nudges", database: store)).migrate()
        let start = ContinuousClock.now
        if events > 0 {
            try await fill(store, events: events)
            try await ThanksLedger(PluginStore(namespace: "thanks", database: store)).recount(months: month)
            say("filled \(events) events and counted the tallies in \(ContinuousClock.now - start)")
        }
        say("| page | p50 | p90 | max | CPU per page | bytes |")
        say("|---|---|---|---|---|---|")
        try await time("/dashboard") { try await renderer.indexPage() }
        for channel in ["#busy", "#quiet1"] {
            for period in Period.allCases {
                try await time("\(channel) \(period.rawValue)") {
                    try await renderer.channelPage(network: network, channel: channel, period: period, now: now)
                }
            }
        }
        await store.close()
    }

    /// Writes one line at once (unbuffered, also into a file).
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// Runs `page` twice to warm up, then 10 times, and prints the wall-clock timings and the
    /// process's CPU time per page (user + system, which other load on the machine barely moves).
    static func time(_ name: String, _ page: @Sendable () async throws -> String) async throws {
        for _ in 0..<2 { _ = try await page() }
        var samples: [Duration] = []
        var bytes = 0
        let cpuStart = cpuSeconds()
        for _ in 0..<10 {
            let start = ContinuousClock.now
            bytes = try await page().utf8.count
            samples.append(ContinuousClock.now - start)
        }
        let cpu = String(format: "%.1f ms", (cpuSeconds() - cpuStart) * 1000 / 10)
        samples.sort()
        func ms(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        say("| \(name) | \(ms(samples[samples.count / 2])) | \(ms(samples[samples.count * 9 / 10])) | \(ms(samples[samples.count - 1])) | \(cpu) | \(bytes) |")
    }

    /// The CPU time this process used so far, user and system, in seconds.
    static func cpuSeconds() -> Double {
        Double(clock()) / Double(CLOCKS_PER_SEC)
    }

    /// Inserts `events` help events, 500 rows per statement, in one transaction per 50 000.
    static func fill(_ store: any Store, events: Int) async throws {
        let batch = 500
        var done = 0
        while done < events {
            let chunk = min(50_000, events - done)
            try await store.transaction { db in
                var generator = SystemRandomNumberGenerator()
                var inserted = 0
                while inserted < chunk {
                    let rows = min(batch, chunk - inserted)
                    var values: [SQLValue] = []
                    values.reserveCapacity(rows * 10)
                    for _ in 0..<rows {
                        let channel = Bool.random(using: &generator) ? "#busy" : "#quiet\(Int.random(in: 1...9, using: &generator))"
                        // A few people do most of the helping.
                        let helper = "p\(Int(pow(Double.random(in: 0..<1, using: &generator), 3) * 2000))"
                        let helped = "p\(Int.random(in: 0..<2000, using: &generator))"
                        let kind = Int.random(in: 0..<3, using: &generator) == 0 ? "thanked" : "answered"
                        let at = now.timeIntervalSince1970 - Double.random(in: 0..<(365 * 86400), using: &generator)
                        values += [.text(UUID().uuidString), .text(kind), .text(network), .text(channel), .text(helped), .text(helped),
                                   .text(helper), .text(helper), .real(at), .integer(Int64((at / 86400).rounded(.down)))]
                    }
                    let placeholders = Array(repeating: "(?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
                    try await db.execute(
                        "INSERT INTO thanks_event (id, kind, detection, network, channel, giver, giver_nick, receiver, receiver_nick, at, day) VALUES \(placeholders)",
                        values)
                    inserted += rows
                }
            }
            done += chunk
        }
    }
}
