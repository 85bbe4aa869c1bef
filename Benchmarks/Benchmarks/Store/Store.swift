import Benchmark
import BenchmarkConfiguration
import BenchmarkInputs
import Foundation
import RapportCore
import RapportReciprocity
import RapportStoreSQLite
import ThanksPlugin

/// The thanks ledger on an SQLite file (WAL, as the bot keeps it): a batch of 256 help events
/// recorded in one transaction, each in a savepoint, as the runtime hands the thanks plugin its
/// queued events; and the `!karma` read on a ledger of 10,000 events.
let benchmarks: @Sendable () -> Void = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-bench-store-\(UUID().uuidString)").path
    let removeFolder: Benchmark.BenchmarkTeardownHook = { try? FileManager.default.removeItem(atPath: folder) }
    let batch = helpEvents(count: 256, seed: 2)

    Benchmark(
        "record-256-events-in-one-transaction", configuration: .rapport(maxIterations: 100),
        closure: { benchmark, ledger in
            try await benchmark.measuringCPU { try await ledger.record(batch) }
        },
        setup: { try await Ledger(path: folder + "/record.sqlite") },
        teardown: removeFolder)

    Benchmark(
        "karma-read-10000-events", configuration: .rapport(maxIterations: 100, scalingFactor: .kilo),
        closure: { benchmark, ledger in
            try await benchmark.measuringCPU {
                blackHole(try await ledger.ledger.karma(network: "bench", channel: "#help", receiver: "user7"))
            }
        },
        setup: {
            let ledger = try await Ledger(path: folder + "/karma.sqlite")
            let events = helpEvents(count: 10_000, seed: 3)
            for start in stride(from: 0, to: events.count, by: 256) { try await ledger.record(Array(events[start..<min(start + 256, events.count)])) }
            return ledger
        },
        teardown: removeFolder)
}

/// A thanks ledger in a new SQLite file.
struct Ledger {
    let store: SQLiteStore
    let ledger: ThanksLedger

    init(path: String) async throws {
        store = try SQLiteStore(path: path)
        ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
        try await ledger.migrate()
    }

    /// Records `events` in one transaction, as the thanks plugin records a batch.
    func record(_ events: [HelpEvent]) async throws {
        try await store.transaction { [ledger] _ in
            for event in events { try await ledger.record(event, casemapping: .rfc1459) }
        }
    }
}

/// `count` answers and thanks among the synthetic channel's people in `#help`, 20 s apart.
func helpEvents(count: Int, seed: UInt64) -> [HelpEvent] {
    var random = SeededGenerator(seed: seed)
    let people = SyntheticChannel.nicks
    return (0..<count).map { n in
        let from = Int.random(in: 0..<people.count, using: &random)
        let to = (from + Int.random(in: 1..<people.count, using: &random)) % people.count
        return HelpEvent(
            kind: n % 3 == 0 ? .thanked : .answered, from: people[from], to: people[to], detection: .linked, network: "bench",
            channel: "#help", time: Date(timeIntervalSince1970: 1_700_000_000 + Double(n) * 20), sequence: n)
    }
}
