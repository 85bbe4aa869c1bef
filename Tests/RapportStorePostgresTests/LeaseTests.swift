import Foundation
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import RapportStorePostgres

/// Two instances share leases through one PostgreSQL database: one owner at a time, and a
/// crashed owner's lease passes to the other within `ttl + renewEvery`.
@Suite(.timeLimit(.minutes(5)))
struct LeaseTests {
    @Test func secondHolderTakesOverWithinTheBoundAfterACrash() async throws {
        try await TestPostgres.withDatabase { url in
            let storeA = try await PostgresStore.open(try PostgresURL(url))
            let storeB = try await PostgresStore.open(try PostgresURL(url))
            // Long enough that a renewal is never late on a loaded 2-core CI machine.
            let ttl = Duration.seconds(6)
            let every = Duration.seconds(1)
            let tableA = LeaseTable(store: storeA, holder: "instance-a", ttl: ttl)
            let tableB = LeaseTable(store: storeB, holder: "instance-b", ttl: ttl)
            try await tableA.prepare()
            try await tableB.prepare()
            let networks = ["network/libera", "network/oftc"]
            let a = LeaseKeeper(table: tableA, names: networks, renewEvery: every)
            let b = LeaseKeeper(table: tableB, names: networks, renewEvery: every)

            let runA = Task { await a.run() }
            // B starts once A holds every lease (A's first round can take a while on a loaded machine).
            let started = ContinuousClock.now
            while await a.owned() != Set(networks), ContinuousClock.now - started < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let runB = Task { await b.run() }

            // Both running: A hands one network over, so each serves one; never two owners.
            var shared = false
            for _ in 0..<200 where !shared {
                let (ownedA, ownedB) = (await a.owned(), await b.owned())
                #expect(ownedA.isDisjoint(with: ownedB), "never two owners")
                shared = ownedA.count == 1 && ownedB.count == 1
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(shared, "two instances share two networks")
            let heldByA = try #require(await a.owned().first)
            // kill -9: A stops renewing and releases nothing.
            let crash = ContinuousClock.now
            let crashDate = Date()
            await a.abandon()
            // A renewal in flight at the crash may still land; once it has, A's rows say when its leases end.
            try await Task.sleep(for: .milliseconds(500))
            let ends = try await storeA.query("SELECT expires_at AS ends FROM rapport_leases WHERE name = ?", [.text(heldByA)])
            let aLeaseEnds = try #require(ends.first?["ends"].int, "A's leases are in the table")
            let leaseLeft = Duration.milliseconds(aLeaseEnds - Int(crashDate.timeIntervalSince1970 * 1000))
            var tookOver: Duration?
            while ContinuousClock.now - crash < .seconds(20) {
                #expect(await a.owned().isEmpty)
                if await b.owned() == Set(networks) {
                    tookOver = ContinuousClock.now - crash
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = try #require(tookOver, "B never took over")
            #expect(elapsed <= ttl + every + .seconds(2), "took over after \(elapsed)")
            // B takes nothing while A's lease lasts (its rows say until when; a late renewal makes that earlier).
            #expect(elapsed >= leaseLeft - .milliseconds(5), "not before A's lease expired after \(leaseLeft): \(elapsed)")
            #expect(leaseLeft > ttl / 2, "A renewed until the crash: \(leaseLeft) left")
            #expect(try await tableA.currentHolder(of: heldByA) == "instance-b")

            // A graceful stop releases at once.
            runB.cancel()
            await runB.value
            #expect(try await tableA.currentHolder(of: "network/oftc") == nil)
            #expect(try await tableA.acquire("network/oftc") != nil)
            runA.cancel()
            await runA.value
            await storeA.close()
            await storeB.close()
        }
    }

    /// Three instances, six networks: each serves two once all are up, and one alone serves all.
    @Test("the networks are shared out: at most ceil(networks / live instances) each, all when alone")
    func networksAreSharedOut() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let networks = (1...6).map { "network/n\($0)" }
            let keepers = ["a", "b", "c"].map { LeaseKeeper(table: LeaseTable(store: store, holder: $0, ttl: .seconds(30)), names: networks) }
            try await keepers[0].table.prepare()
            await keepers[0].renewOnce()
            #expect(await keepers[0].owned() == Set(networks), "alone, it serves every network")
            for round in 0..<3 {
                for keeper in keepers { await keeper.renewOnce() }
                var owned: [Set<String>] = []
                for keeper in keepers { owned.append(await keeper.owned()) }
                #expect(owned[0].isDisjoint(with: owned[1]) && owned[1].isDisjoint(with: owned[2]) && owned[0].isDisjoint(with: owned[2]))
                if round == 2 { #expect(owned.map(\.count) == [2, 2, 2], "each serves its share: \(owned)") }
            }
            await store.close()
        }
    }

    @Test func acquireIsExclusiveUnderContention() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            try await LeaseTable(store: store, holder: "x").prepare()
            let winners = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await LeaseTable(store: store, holder: "h\(i)", ttl: .seconds(30)).acquire("only") != nil ? "h\(i)" : nil
                    }
                }
                return try await group.reduce(into: [String]()) { if let w = $1 { $0.append(w) } }
            }
            #expect(winners.count == 1)
            #expect(try await LeaseTable(store: store, holder: "x").currentHolder(of: "only") == winners.first)
            await store.close()
        }
    }

    /// An instance whose clock is an hour ahead (or behind) still cannot take a live lease, nor
    /// keep one past its expiry: the database's clock decides. With each instance's own clock,
    /// the one running ahead took every lease at once.
    @Test("expiry is judged by the database's clock, whatever the instances' clocks say")
    func expiryFollowsTheDatabaseClock() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let a = LeaseTable(store: store, holder: "a", ttl: .seconds(30))
            let ahead = LeaseTable(store: store, holder: "ahead", ttl: .seconds(30), time: ManualTime(Date().addingTimeInterval(3600)))
            let behind = LeaseTable(store: store, holder: "behind", ttl: .seconds(1), time: ManualTime(Date().addingTimeInterval(-3600)))
            try await a.prepare()
            #expect(try await a.acquire("n") != nil)
            #expect(try await ahead.acquire("n") == nil, "a clock an hour ahead does not make a live lease expired")
            #expect(try await ahead.currentHolder(of: "n") == "a")
            #expect(try await behind.acquire("m") != nil)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await a.currentHolder(of: "m") == nil, "a clock an hour behind does not keep a lease alive")
            #expect(try await a.acquire("m") != nil)
            await store.close()
        }
    }

    /// Every new tenure gets the next generation; renewals keep it.
    @Test func generationsCountTenures() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let a = LeaseTable(store: store, holder: "a", ttl: .milliseconds(500))
            let b = LeaseTable(store: store, holder: "b", ttl: .milliseconds(500))
            try await a.prepare()
            #expect(try await a.acquire("n")?.generation == 1)
            #expect(try await a.acquire("n")?.generation == 1, "a renewal keeps the generation")
            #expect(try await b.acquire("n") == nil)
            try await Task.sleep(for: .milliseconds(700))
            #expect(try await b.acquire("n")?.generation == 2, "another holder after expiry")
            try await Task.sleep(for: .milliseconds(700))
            #expect(try await b.acquire("n")?.generation == 3, "the same holder after a lapse")
            await store.close()
        }
    }

    @Test func leasesWorkOnSQLiteToo() async throws {
        let store = try SQLiteStore()
        let a = LeaseTable(store: store, holder: "a", ttl: .seconds(30))
        let b = LeaseTable(store: store, holder: "b", ttl: .seconds(30))
        try await a.prepare()
        #expect(try await a.acquire("n") != nil)
        #expect(try await b.acquire("n") == nil)
        #expect(try await a.acquire("n") != nil, "renewal")
        try await a.release("n")
        #expect(try await b.acquire("n")?.generation == 2)
    }
}
