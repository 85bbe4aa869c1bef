import Logging
import RapportCore

/// A network's connector that runs only while this instance holds the network's lease, so
/// several instances sharing a PostgreSQL store never put two bots on one network.
///
/// ```
///            lease won                       lease lost (expired, or the store is unreachable)
/// standby ─────────────▶ inner.run (connected) ─────────────▶ inner cancelled (QUIT) ─▶ standby
/// ```
/// Every ``check`` it asks the ``LeaseKeeper`` whether the lease is still held. The keeper
/// answers from the time of its last renewal (expiry minus a margin), so a renewal stuck on an
/// unreachable store stops the connection before another instance may take it over. While on
/// standby it reports ``ConnectorStatus/standby``, refuses to send and ignores joins and parts:
/// on taking over it tells the runtime (``EventSink/networkTakenOver(_:)``), which reads the
/// run-time state, channels included, again from the store.
actor LeasedConnector: Connector {
    nonisolated let network: String
    let inner: any Connector
    let leases: LeaseKeeper
    let check: Duration
    let logger: Logger
    private var running: Task<Void, Never>?
    private var failure: (any Error)?

    init(_ inner: any Connector, leases: LeaseKeeper, check: Duration, logger: Logger) {
        network = inner.network
        self.inner = inner
        self.leases = leases
        self.check = check
        self.logger = logger
    }

    /// The lease that names `network` in the store.
    static func leaseName(_ network: String) -> String { "network/\(network)" }

    func run(events: any EventSink) async throws {
        let lease = Self.leaseName(network)
        while !Task.isCancelled {
            if let failure {
                await stopInner()
                throw failure
            }
            let owned = await leases.owns(lease)
            if owned, running == nil {
                logger.info("network lease held: connecting", metadata: ["holder": "\(leases.table.holder)"])
                let inner = self.inner
                running = Task {
                    do { try await inner.run(events: events) } catch { self.innerFailed(error) }
                }
                await events.networkTakenOver(network)
            } else if !owned, running != nil {
                logger.warning("network lease not held any more: disconnecting", metadata: ["holder": "\(leases.table.holder)"])
                await stopInner()
            }
            try? await Task.sleep(for: check)
        }
        await stopInner()
    }

    private func innerFailed(_ error: any Error) { failure = error }

    private func stopInner() async {
        guard let task = running else { return }
        task.cancel()
        await task.value
        running = nil
    }

    /// Sends only while the lease is held at this very moment, not only at the last ``check``:
    /// an instance that was paused (SIGSTOP, a frozen VM) sends nothing once it wakes past its
    /// lease, even before its connection is stopped.
    func send(_ message: OutgoingMessage) async throws {
        try await serving()
        try await inner.send(message)
    }

    func deliver(_ message: OutgoingMessage) async throws {
        try await serving()
        try await inner.deliver(message)
    }

    /// Throws unless this instance serves the network and holds its lease at this very moment.
    private func serving() async throws {
        guard running != nil, await leases.owns(Self.leaseName(network)) else {
            throw CommandError(.unavailable, "Another instance serves \(network) right now.")
        }
    }

    func join(_ channel: String) async throws {
        if running != nil { try await inner.join(channel) }
    }

    func part(_ channel: String, reason: String?) async throws {
        if running != nil { try await inner.part(channel, reason: reason) }
    }

    func isOnline(_ address: String) async -> Bool? { running == nil ? nil : await inner.isOnline(address) }

    nonisolated func currentNick() -> String { inner.currentNick() }

    nonisolated func casemapping() -> Casemapping { inner.casemapping() }

    func status() async -> ConnectorStatus { running == nil ? .standby : await inner.status() }

    func isOperator(_ identity: Identity, in channel: String) async -> Bool? {
        running == nil ? nil : await inner.isOperator(identity, in: channel)
    }

    func health() async -> ConnectorHealth { running == nil ? ConnectorHealth(status: .standby) : await inner.health() }
}
