import HTTPTypes
import Hummingbird
public import Logging
import NIOCore
public import Prometheus
public import ServiceLifecycle

/// The operator's HTTP endpoint, a ServiceLifecycle service that runs next to the bot.
///
/// ```
/// GET /healthz  200 "ok"                        the process is alive and serving
/// GET /readyz   200 / 503, one line per check   "ok store", "FAIL network libera: connecting"
/// GET /metrics  Prometheus text format          every series in the registry (RapportMetrics)
/// ```
/// Extra ``HTTPRoutes`` (the dashboard) are mounted on the same server. It binds to loopback
/// unless configured otherwise, and it stops on graceful shutdown.
public struct ObservabilityService: Service {
    public let address: HTTPAddress
    let registry: PrometheusCollectorRegistry
    let readiness: @Sendable () async -> [ReadinessCheck]
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void
    let routes: [any HTTPRoutes]

    /// - Parameters:
    ///   - registry: The registry the bot's metrics factory writes to.
    ///   - readiness: The checks behind `/readyz`, run on every request: keep them free of
    ///     queries (``StoreHealth`` checks the store in the background).
    ///   - routes: More pages to serve on the same listener.
    ///   - onListening: Called with the bound port once the server accepts connections.
    public init(
        address: HTTPAddress, registry: PrometheusCollectorRegistry, logger: Logger,
        readiness: @escaping @Sendable () async -> [ReadinessCheck], routes: [any HTTPRoutes] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.routes = routes
        self.address = address
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router(context: HTTPRequestContext.self)
        let registry = self.registry
        let readiness = self.readiness
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let checks = await readiness()
            let ready = checks.allSatisfy(\.ok)
            let body = checks.map { "\($0.ok ? "ok" : "FAIL") \($0.name): \($0.detail)\n" }.joined()
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body.isEmpty ? "ok\n" : body)))
        }
        router.get("metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(4096)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        for routes in routes { routes.add(to: router) }
        let logger = self.logger
        let address = self.address
        let onListening = self.onListening
        let app = Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info("http listening", metadata: ["address": "\(address.host):\(port)"])
                await onListening(port)
            },
            logger: logger)
        try await app.run()
    }
}
