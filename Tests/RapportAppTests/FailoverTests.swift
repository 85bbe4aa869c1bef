import Foundation
import Logging
@testable import RapportApp
import RapportCore
import RapportIRC
import RapportServerTesting
import RapportStorePostgres
import RapportTesting
import Testing

/// Two real `rapport run` processes share one real PostgreSQL and one real InspIRCd: one bot on
/// the network at a time, and after `kill -9` of the owner the other takes over, with no
/// duplicate replies and no nudge sent twice.
@Suite(.timeLimit(.minutes(5)))
struct FailoverTests {
    /// The default lease, so the measured takeover is the one people get.
    static let leaseSeconds = 15

    func configuration(port: Int, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("rapport.yaml").path
        try """
            storage: { postgres: '${RAPPORT_TEST_DB}' }
            instances: { lease_seconds: \(Self.leaseSeconds) }
            logging: { format: json, level: info }
            http: { listen: '127.0.0.1:0' }
            plugins: { nudges: { enabled: true } }
            networks:
              - name: local
                irc: { host: 127.0.0.1, port: \(port), tls: false, nick: rapport, channels: ['#rapport'], reconnect: { min: 0.3, max: 1 } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A thank nudge for carol on `network`, due at `now`, as the nudges plugin would have recorded it.
    func addDueNudge(_ store: any Store, network: String, now: Date = Date()) async throws {
        let now = now.timeIntervalSince1970
        try await store.execute(
            """
            INSERT INTO nudges_nudge (id, kind, network, channel, recipient, address, other, excerpt, created_at,
                due_at, expires_at, state, reason) VALUES ('failover-1', 'thank', ?, '#rapport', 'carol', 'carol',
                'bob', 'use lsblk', ?, ?, ?, 'pending', 'due')
            """, [.text(network), .real(now - 600), .real(now - 1), .real(now + 3600)])
        try await store.execute(
            "INSERT INTO nudges_person (network, nick, address, person, last_active, away, is_bot) VALUES (?, 'carol', 'carol', 'carol', ?, 0, 0)",
            [.text(network), .real(now)])
    }

    func nudgeRow(_ store: any Store) async throws -> (state: String?, attempts: Int?) {
        let row = try await store.query("SELECT state, attempts FROM nudges_nudge WHERE id = 'failover-1'", []).first
        return (row?["state"].string, row?["attempts"].int)
    }

    func botJoins(_ client: TestIRCClient) async -> [IRCMessage] {
        await client.all().filter { $0.command == "JOIN" && $0.sourceNick?.hasPrefix("rapport") == true }
    }

    /// Exactly one `pong` for one `!ping`, from whichever instance serves the network.
    func pingIsAnsweredOnce(_ alice: TestIRCClient) async throws {
        try await alice.send("PRIVMSG #rapport :!ping")
        let replies = try await alice.collect(1, timeout: 20, settle: 2) {
            $0.isText(from: "rapport", to: "#rapport")
        }
        #expect(replies.map { $0.parameters.last } == ["pong"])
    }

    @Test(.timeLimit(.minutes(5)))
    func killedOwnersNetworkIsTakenOverWithoutDuplicateRepliesOrNudges() async throws {
        try await withIRCServer(.inspircd) { server in
            try await TestPostgres.withDatabase { url in
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-failover-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                let path = try configuration(port: server.port, in: folder)
                let alice = try await TestIRCClient.connect(port: server.port, nick: "alice")
                try await alice.send("JOIN #rapport")
                _ = try await alice.waitFor { $0.command == "366" }
                let carol = try await TestIRCClient.connect(port: server.port, nick: "carol")

                let first = try RapportProcess(["run", "-c", path], environment: ["RAPPORT_TEST_DB": url], folder: folder)
                _ = try await first.waitForLog("network lease held: connecting")
                _ = try await alice.waitFor(timeout: 30) { $0.command == "JOIN" && $0.sourceNick == "rapport" }
                let second = try RapportProcess(["run", "-c", path], environment: ["RAPPORT_TEST_DB": url], folder: folder)
                let readiness = "http://\(try #require(try await second.waitForLog("http listening")["address"] as? String))/readyz"
                // Long enough for the second instance to try for the lease twice.
                try await Task.sleep(for: .seconds(Self.leaseSeconds * 2 / 3 + 1))
                #expect(!second.log.contains("network lease held"), "the second instance stands by")
                #expect(try await httpGet(readiness) == (200, "ok store: reachable\nok network local: standby\n"))
                #expect(await botJoins(alice).count == 1, "only one bot joined")
                try await pingIsAnsweredOnce(alice)

                // A nudge falls due, and the owner dies at once.
                let store = try await PostgresStore.open(try PostgresURL(url))
                try await addDueNudge(store, network: "local")
                let killed = ContinuousClock.now
                let code = try await first.stop(with: SIGKILL)
                #expect(code == 128 + SIGKILL)
                let join = try await alice.waitFor(timeout: 45) { $0.command == "JOIN" && $0.sourceNick?.hasPrefix("rapport") == true }
                let takeover = ContinuousClock.now - killed
                print("failover: the second instance joined \(takeover) after kill -9 (lease \(Self.leaseSeconds) s)")
                #expect(join.sourceNick == "rapport", "the nick was free: the dead bot's connection is gone")
                #expect(takeover <= .seconds(30), "took over within the 30 s target: \(takeover)")
                #expect(second.log.contains("network lease held: connecting"))
                #expect(try await httpGet(readiness) == (200, "ok store: reachable\nok network local: connected\n"))
                #expect(await botJoins(alice).count == 2, "one join each, never two bots at once")
                try await pingIsAnsweredOnce(alice)

                // The due nudge goes out once, from the instance that serves the network now
                // (its delivery job runs once a minute).
                let nudges = try await carol.collect(1, timeout: 100, settle: 5) { $0.isText(from: "rapport", to: "carol") }
                #expect(nudges.count == 1, "\(nudges.map { $0.parameters.last ?? "" })")
                let row = try await nudgeRow(store)
                await store.close()
                #expect(row.state == "sent")
                #expect(row.attempts == 0, "no instance tried to deliver on a network it does not serve")

                #expect(try await second.stop() == 0, "\(second.log)")
                await alice.close()
                await carol.close()
            }
        }
    }

    /// The nudge delivery job runs in every instance; one on standby for a network leaves that
    /// network's due nudges alone (no claim, no failed attempt), and delivers once it serves it.
    /// On taking over it also joins the channels the other instance joined at run time.
    @Test(.timeLimit(.minutes(1)))
    func aStandbyInstanceLeavesDueNudgesToTheServingOne() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let lease = LeasedConnector.leaseName("irc")
            let other = LeaseTable(store: store, holder: "other", ttl: .seconds(60))
            try await other.prepare()
            #expect(try await other.acquire(lease) != nil)
            // A lease of 10 s: this instance serves only while its last renewal is recent (owns()
            // until the lease's end minus a fifth), and on a loaded machine a renewal due every
            // 0.7 s (a 2 s lease) ran late enough to put it on standby while the job ran.
            let keeper = LeaseKeeper(table: LeaseTable(store: store, holder: "this", ttl: .seconds(10)), names: [lease])
            let inner = RecordingConnector(network: "irc")
            await inner.setOnline(["carol"])
            let leased = LeasedConnector(inner, leases: keeper, check: .milliseconds(50), logger: Logger(label: "irc"))
            let nudges = try #require(BuiltInPlugins.all.first { $0.descriptor.id == "nudges" })
            let time = ManualTime(Date())
            let bot = Bot(
                configuration: try BotConfiguration(plugins: ["nudges": .init(enabled: true)]).validated(against: [nudges.descriptor]),
                store: store, plugins: [nudges], connectors: [leased], time: time)
            try await bot.start()
            let tasks: [Task<Void, Never>] = [Task { await keeper.run() }, Task { try? await leased.run(events: bot) }]
            try await addDueNudge(store, network: "irc", now: time.now)

            try await bot.advance(time, by: .seconds(61))
            #expect(await leased.status() == .standby)
            #expect(await inner.sent.isEmpty)
            #expect(try await nudgeRow(store) == ("pending", 0), "not claimed, no failed attempt")

            // The other instance joined a channel at run time (`!join`); this one takes it on.
            try await store.setValue("true", forKey: "channel/irc/#late", in: "rapport")
            try await other.release(lease)
            try await eventually("this instance takes the network over") { await leased.status() == .connected }
            try await bot.advance(time, by: .seconds(61))
            #expect(await inner.sent.map(\.target) == [.user(address: "carol")])
            #expect(try await nudgeRow(store) == ("sent", 0))
            #expect(await inner.joined == ["#late"])
            for task in tasks.reversed() {
                task.cancel()
                await task.value
            }
            await bot.stop()
            await store.close()
        }
    }
}
