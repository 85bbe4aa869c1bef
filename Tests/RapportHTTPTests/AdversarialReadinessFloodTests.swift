import Foundation
import Logging
import Prometheus
import RapportCore
import RapportHTTP
import RapportStoreSQLite
import RapportTesting
import ServiceLifecycle
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/readyz` is unauthenticated: anyone who reaches the endpoint can call it as often as they
/// like. It reports the store's health from a background check, so a flood costs the store
/// nothing (it used to ping the store on every request).
@Suite(.timeLimit(.minutes(2)))
struct AdversarialReadinessFloodTests {
    @Test("a flood of /readyz requests reaches the store only through the background check")
    func readinessFloodDoesNotReachTheStore() async throws {
        let store = CountingStore(try SQLiteStore())
        let health = StoreHealth(store: store, interval: .seconds(5))
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "test")
        let service = ObservabilityService(
            address: HTTPAddress(host: "127.0.0.1", port: 0), registry: PrometheusCollectorRegistry(), logger: logger,
            readiness: { [health.current] }, onListening: { listening.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [health, service], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { Task { await group.triggerGracefulShutdown() } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/readyz"))
            let started = ContinuousClock.now
            while health.current.detail == "checking", ContinuousClock.now - started < .seconds(10) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let before = store.calls
            let statuses = try await withThrowingTaskGroup(of: Int.self) { requests in
                for _ in 0..<400 {
                    requests.addTask {
                        let (_, response) = try await URLSession.shared.data(from: url)
                        return (response as? HTTPURLResponse)?.statusCode ?? -1
                    }
                }
                return try await requests.reduce(into: [Int]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            #expect(statuses.allSatisfy { $0 == 200 }, "the store is healthy: every answer is 200")
            let checks = Int(elapsed / health.interval) + 1
            #expect(store.calls - before <= checks, "\(store.calls - before) store calls for 400 requests in \(elapsed)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a store that does not answer makes /readyz fail within one interval, without waiting for it")
    func hungStoreIsReportedAsATimeout() async throws {
        let health = StoreHealth(store: HungStore(), interval: .milliseconds(200))
        let started = ContinuousClock.now
        await health.check()
        #expect(ContinuousClock.now - started < .seconds(20), "nowhere near the hour the ping would take")
        #expect(health.current == ReadinessCheck(name: "store", ok: false, detail: "timeout"))
    }

    /// A store whose queries never answer (a frozen database).
    final class HungStore: Store {
        func migrate(_ namespace: String, _ migrations: [Migration]) async throws {}
        func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        }
        func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] { [] }
    }
}
