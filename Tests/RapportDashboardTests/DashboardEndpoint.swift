import Logging
import Prometheus
import RapportDashboard
import RapportHTTP
import ServiceLifecycle
import Testing

/// Serves `routes` on a free loopback port for `body` (given the base URL), then shuts the
/// endpoint down gracefully, whether `body` succeeded or not.
func withEndpoint(_ routes: DashboardRoutes, logger: Logger, _ body: (String) async throws -> Void) async throws {
    let (ports, listening) = AsyncStream.makeStream(of: Int.self)
    let service = ObservabilityService(
        address: HTTPAddress(host: "127.0.0.1", port: 0), registry: PrometheusCollectorRegistry(), logger: logger,
        readiness: { [] }, routes: [routes], onListening: { listening.yield($0) })
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body("http://127.0.0.1:\(port)")
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
