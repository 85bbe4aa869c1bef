import Foundation
import Logging
import RapportCore
import RapportServerTesting
import RapportStorePostgres
import RapportTesting
import Testing

@testable import RapportApp

/// Two instances' connectors for one network, sharing leases through one real PostgreSQL:
/// only the lease holder's connector runs, and it stops when its store stops answering, before
/// the other instance takes over.
@Suite(.timeLimit(.minutes(5)))
struct LeasedConnectorTests {
    struct Instance {
        let store: PostgresStore
        let keeper: LeaseKeeper
        let inner: RecordingConnector
        let leased: LeasedConnector
        let takeovers = Takeovers()
        let tasks: [Task<Void, Never>]

        init(_ url: String, holder: String, ttl: Duration) async throws {
            store = try await PostgresStore.open(try PostgresURL(url))
            let table = LeaseTable(store: store, holder: holder, ttl: ttl)
            try await table.prepare()
            keeper = LeaseKeeper(table: table, names: [LeasedConnector.leaseName("irc")])
            inner = RecordingConnector(network: "irc")
            leased = LeasedConnector(inner, leases: keeper, check: .milliseconds(50), logger: Logger(label: holder))
            let (keeper, leased, takeovers) = (keeper, leased, takeovers)
            tasks = [
                Task { await keeper.run() },
                Task { try? await leased.run(events: takeovers) },
            ]
        }

        func stop() async {
            for task in tasks.reversed() {
                task.cancel()
                await task.value
            }
        }
    }

    /// The runtime's side: the connectors here produce no events; takeovers are noted.
    actor Takeovers: EventSink {
        private(set) var networks: [String] = []
        func receive(_ events: [ChatEvent]) async {}
        func settle() async {}
        func networkTakenOver(_ network: String) async { networks.append(network) }
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyTheHolderRunsAndAnUnreachableStoreHandsTheNetworkOver() async throws {
        try await TestPostgres.withDatabase { url in
            // Long enough that a renewal is never late on a loaded 2-core CI machine.
            let ttl = Duration.seconds(6)
            let a = try await Instance(url, holder: "a", ttl: ttl)
            try await eventually("a connects") { await a.leased.status() == .connected }
            let b = try await Instance(url, holder: "b", ttl: ttl)
            try await b.leased.join("#rapport")
            try await Task.sleep(for: .seconds(1))
            #expect(await b.leased.status() == .standby)
            #expect(await b.inner.joined.isEmpty, "no join on standby")
            #expect(await a.takeovers.networks == ["irc"])
            #expect(await b.takeovers.networks.isEmpty)
            await #expect(throws: CommandError.self) {
                try await b.leased.send(OutgoingMessage(to: .channel("#rapport"), text: "from b"))
            }
            try await a.leased.send(OutgoingMessage(to: .channel("#rapport"), text: "from a"))
            #expect(await a.inner.sent.map(\.text) == ["from a"])

            // A's store goes away: its renewals fail, so it stops at expiry minus the margin,
            // and B connects only after the lease expired. Never both at once.
            let cut = ContinuousClock.now
            await a.store.close()
            var stoppedA: Duration?
            var startedB: Duration?
            while startedB == nil, ContinuousClock.now - cut < .seconds(20) {
                let (statusA, statusB) = (await a.leased.status(), await b.leased.status())
                #expect(statusA == .standby || statusB == .standby, "never two bots on one network")
                if stoppedA == nil, statusA == .standby { stoppedA = ContinuousClock.now - cut }
                if statusB == .connected { startedB = ContinuousClock.now - cut }
                try await Task.sleep(for: .milliseconds(20))
            }
            let stopped = try #require(stoppedA, "A kept its connection")
            let started = try #require(startedB, "B never took over")
            #expect(stopped < ttl, "A stopped within the lease: \(stopped)")
            #expect(started <= ttl + ttl / 3 + .seconds(2), "B took over in \(started)")
            #expect(await b.takeovers.networks == ["irc"], "the runtime hears of the takeover")
            try await b.leased.send(OutgoingMessage(to: .channel("#rapport"), text: "from b"))
            #expect(await b.inner.sent.map(\.text) == ["from b"])
            await a.stop()
            await b.stop()
            await b.store.close()
        }
    }

    /// The paused-VM case: an instance wakes up after its lease has passed, before its connector's
    /// next check stopped the connection. It must send nothing; it used to send until that check.
    @Test("a connector whose lease has passed sends nothing, even before its next check", .timeLimit(.minutes(1)))
    func noSendOnceTheLeaseHasPassed() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let table = LeaseTable(store: store, holder: "paused", ttl: .seconds(30))
            try await table.prepare()
            let keeper = LeaseKeeper(table: table, names: [LeasedConnector.leaseName("irc")])
            await keeper.renewOnce()
            let inner = RecordingConnector(network: "irc")
            // Checks once at the start, then not for an hour.
            let leased = LeasedConnector(inner, leases: keeper, check: .seconds(3600), logger: Logger(label: "paused"))
            let running = Task { try? await leased.run(events: Takeovers()) }
            try await eventually("it connects") { await leased.status() == .connected }
            try await leased.send(OutgoingMessage(to: .channel("#a"), text: "while held"))
            await keeper.abandon()
            await #expect(throws: CommandError.self) {
                try await leased.send(OutgoingMessage(to: .channel("#a"), text: "after the lease passed"))
            }
            #expect(await inner.sent.map(\.text) == ["while held"])
            running.cancel()
            await running.value
            await store.close()
        }
    }
}
