#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import RapportCore
import RapportMatrix

/// The CPU a Matrix connector uses while idle on a real homeserver's long-poll: logged in,
/// nothing happening, `/sync` waiting `SYNC_TIMEOUT` seconds at a time.
enum MatrixIdle {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 4, let url = URL(string: arguments[0]), let seconds = Double(arguments[3]) else {
            say("usage: RapportBench matrix-idle URL USER_ID PASSWORD SECONDS [SYNC_TIMEOUT]")
            exit(2)
        }
        let syncTimeout = arguments.count > 4 ? Double(arguments[4]) ?? 30 : 30
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let configuration = MatrixConfiguration(homeserver: url, userID: arguments[1], password: arguments[2], syncTimeout: syncTimeout)
        let connector = MatrixConnector(network: "bench", configuration: configuration, store: MemoryStore(), logger: logger)
        let task = Task { try await connector.run(events: IgnoringSink()) }
        try await Task.sleep(for: .seconds(5))  // login and first sync
        let cpuStart = cpuSeconds()
        let wallStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let cpu = cpuSeconds() - cpuStart
        let wall = (ContinuousClock.now - wallStart) / .seconds(1)
        task.cancel()
        say(String(format: "idle sync loop (sync_timeout %.0f s): %.3f s CPU in %.0f s wall = %.3f%% of one core",
                   syncTimeout, cpu, wall, cpu / wall * 100))
    }

    /// Process CPU time (user + system), in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// A key-value store in memory, enough for the connector's saved session.
actor MemoryStore: Store {
    var values: [String: String] = [:]
    func migrate(_ namespace: String, _ migrations: [Migration]) async throws {}
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        throw CancellationError()
    }
    func value(forKey key: String, in namespace: String) async throws -> String? { values["\(namespace)/\(key)"] }
    func setValue(_ value: String?, forKey key: String, in namespace: String) async throws { values["\(namespace)/\(key)"] = value }
    func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] {
        values.filter { $0.key.hasPrefix("\(namespace)/\(keyPrefix)") }.sorted { $0.key < $1.key }
            .map { (String($0.key.dropFirst(namespace.count + 1)), $0.value) }
    }
}

/// Drops the events: the run measures the sync loop, not what follows it.
struct IgnoringSink: EventSink {
    func receive(_ events: [ChatEvent]) async {}
    func settle() async {}
}
