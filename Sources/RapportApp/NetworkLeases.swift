import Logging
import RapportCore
import RapportStorePostgres
import ServiceLifecycle

/// Shares the networks among several instances that use one PostgreSQL store: one lease per
/// network in `rapport_leases`, renewed by a ``LeaseKeeper`` for as long as this service runs.
///
/// Each network's connector is wrapped in a ``LeasedConnector``, which connects only while this
/// instance holds that network's lease. A graceful stop releases the leases (after the bot, which
/// stops first, has said goodbye), so another instance takes over at once; after a crash the
/// leases expire after `instances.lease_seconds`.
///
/// Renewals run on a store of their own (two connections, statements bounded by a third of the
/// lease), so they never wait for a connection behind plugin work, and a renewal that hangs
/// fails in time for the next one.
struct NetworkLeases: Service {
    let keeper: LeaseKeeper
    /// The leases' own connections, closed when the service stops.
    let store: PostgresStore
    /// How often each connector asks whether its lease is still held.
    let check: Duration

    /// Opens the leases' connections and creates the lease table if needed, for the given networks.
    static func prepare(
        postgres url: PostgresURL, limits: PostgresLimits, networks: [String], instances: ConfigurationFile.Instances, logger: Logger
    ) async throws -> NetworkLeases {
        let ttl = Duration.seconds(instances.leaseSeconds)
        var leaseLogger = logger
        leaseLogger[metadataKey: "component"] = "leases"
        var leaseLimits = limits
        leaseLimits.poolSize = 2
        leaseLimits.connectTimeout = min(limits.connectTimeout, ttl / 3)
        leaseLimits.statementTimeout = ttl / 3
        leaseLimits.lockTimeout = ttl / 3
        let store = try await PostgresStore.open(url, limits: leaseLimits, logger: leaseLogger)
        let table = LeaseTable(store: store, holder: LeaseTable.processHolder(), ttl: ttl)
        do {
            try await table.prepare()
        } catch {
            await store.close()
            throw error
        }
        let keeper = LeaseKeeper(table: table, names: networks.map(LeasedConnector.leaseName), logger: leaseLogger)
        leaseLogger.info("sharing networks with other instances", metadata: ["holder": "\(table.holder)", "lease_seconds": "\(instances.leaseSeconds)"])
        return NetworkLeases(keeper: keeper, store: store, check: min(.seconds(1), ttl / 10))
    }

    /// `connector`, run only while this instance holds its network's lease.
    func leased(_ connector: any Connector, logger: Logger) -> any Connector {
        var networkLogger = logger
        networkLogger[metadataKey: "network"] = "\(connector.network)"
        return LeasedConnector(connector, leases: keeper, check: check, logger: networkLogger)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await keeper.run() }
        await store.close()
    }
}
