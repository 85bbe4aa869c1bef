import Foundation
import RapportCore
import RapportReciprocity
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import ThanksPlugin

/// How the ledger writes: the daily cap counted by the insert itself, and tallies written many
/// rows per statement; on SQLite and on a real PostgreSQL server.
@Suite(.timeLimit(.minutes(5)))
struct ThanksLedgerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func ledger(_ store: any Store) async throws -> ThanksLedger {
        let ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
        try await ledger.migrate()
        return ledger
    }

    func thanks(_ from: String, _ to: String, hoursAgo: Double, channel: String = "#test") -> HelpEvent {
        HelpEvent(
            kind: .thanked, from: from, to: to, detection: .linked, network: "test", channel: channel,
            time: Self.now.addingTimeInterval(-hoursAgo * 3600))
    }

    @Test func recordStopsAtTheCapOnSQLite() async throws {
        try await checkCap(on: try SQLiteStore())
    }

    @Test func recordStopsAtTheCapOnPostgreSQL() async throws {
        try await TestPostgres.withStore { try await checkCap(on: $0) }
    }

    /// Two thanks a day from alice to bob: an older one does not count, other pairs, kinds and
    /// networks do not either, and a refused event leaves no row and no tally behind.
    func checkCap(on store: any Store) async throws {
        let ledger = try await ledger(store)
        let cap = ThanksLedger.DailyCap(limit: 2, since: Self.now.addingTimeInterval(-86400))
        #expect(try await ledger.record(thanks("alice", "bob", hoursAgo: 30), casemapping: .rfc1459, cap: cap))
        #expect(try await ledger.record(thanks("alice", "Bob", hoursAgo: 2), casemapping: .rfc1459, cap: cap))
        #expect(try await ledger.record(thanks("carol", "bob", hoursAgo: 2), casemapping: .rfc1459, cap: cap))
        let answer = HelpEvent(kind: .answered, from: "alice", to: "bob", detection: .linked, network: "test", channel: "#test", time: Self.now)
        #expect(try await ledger.record(answer, casemapping: .rfc1459, cap: cap))
        #expect(try await ledger.record(thanks("ALICE", "bob", hoursAgo: 1, channel: "#other"), casemapping: .rfc1459, cap: cap))
        #expect(try await !ledger.record(thanks("alice", "bob", hoursAgo: 0), casemapping: .rfc1459, cap: cap))
        let rows = try await store.query("SELECT giver, receiver, at, day, month FROM thanks_event WHERE giver = 'alice' AND kind = 'thanked'")
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["at"].double != nil && $0["day"].int != nil && $0["month"].int != nil })
        #expect(try await ledger.karma(network: "test", channel: "#test", receiver: "bob") == (thanks: 3, answers: 1))
        #expect(try await ledger.karma(network: "test", channel: "#other", receiver: "bob") == (thanks: 1, answers: 0))
        // Without a cap, every event is recorded.
        #expect(try await ledger.record(thanks("alice", "bob", hoursAgo: 0), casemapping: .rfc1459))
    }

    @Test("upgrading removes the copies a replayed message left, and the tallies follow (SQLite)")
    func upgradeRemovesReplayedCopiesOnSQLite() async throws {
        try await checkUpgradeRemovesReplayedCopies(on: try SQLiteStore())
    }

    @Test("upgrading removes the copies a replayed message left, and the tallies follow (PostgreSQL)")
    func upgradeRemovesReplayedCopiesOnPostgreSQL() async throws {
        try await TestPostgres.withStore { try await checkUpgradeRemovesReplayedCopies(on: $0) }
    }

    /// Before migration 8 nothing stopped a message read again from being recorded again: its
    /// copies go, events without a message ID (IRC without `msgid`) all stay.
    func checkUpgradeRemovesReplayedCopies(on store: any Store) async throws {
        let plugin = PluginStore(namespace: "thanks", database: store)
        try await plugin.migrate(Array(ThanksLedger.migrations.prefix(7)))
        let ledger = ThanksLedger(plugin)
        var replayed = thanks("alice", "bob", hoursAgo: 1)
        replayed.messageID = MessageID("$t")
        for event in [replayed, replayed, thanks("carol", "bob", hoursAgo: 1), thanks("carol", "bob", hoursAgo: 1)] {
            #expect(try await ledger.record(event, casemapping: .rfc1459))
        }
        #expect(try await ledger.karma(network: "test", channel: "#test", receiver: "bob") == (thanks: 4, answers: 0))
        try await ledger.migrate()
        #expect(try await ledger.karma(network: "test", channel: "#test", receiver: "bob") == (thanks: 3, answers: 0))
        // Read once more: recorded already, and not counted.
        #expect(try await ledger.record(replayed, casemapping: .rfc1459))
        #expect(try await ledger.karma(network: "test", channel: "#test", receiver: "bob") == (thanks: 3, answers: 0))
    }

    @Test func eventIDsAreDistinctVersionFourUUIDs() {
        let ids = (0..<1000).map { _ in ThanksLedger.randomID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(UUID(uuidString: id)?.uuidString == id)
            #expect(Array(id)[14] == "4" && "89AB".contains(Array(id)[19]), "\(id)")
        }
    }

    @Test func talliesOfManyEventsAtOnceEqualThoseWrittenOneByOneOnSQLite() async throws {
        try await checkTallies(one: try SQLiteStore(), other: try SQLiteStore())
    }

    @Test func talliesOfManyEventsAtOnceEqualThoseWrittenOneByOneOnPostgreSQL() async throws {
        try await TestPostgres.withStore { one in
            try await TestPostgres.withStore { other in try await checkTallies(one: one, other: other) }
        }
    }

    /// 40 events over two months (more rows per table than one statement writes): added to one
    /// ``TallyChanges`` and written once, or each written on its own; then half of them taken
    /// out again the same two ways.
    func checkTallies(one: any Store, other: any Store) async throws {
        _ = try await ledger(one)
        _ = try await ledger(other)
        let events = (0..<40).map { n in
            let at = Self.now.addingTimeInterval(-Double(n) * 1.5 * 86400)
            return TallyChanges.Event(
                kind: n % 3 == 0 ? .thanked : .answered, network: "test", channel: n % 4 == 0 ? "#other" : "#test",
                helper: .init(key: "h\(n % 7)", nick: "H\(n % 7)"), helped: .init(key: "p\(n % 5)", nick: "p\(n % 5)"),
                at: at.timeIntervalSince1970, day: ThanksLedger.day(at), month: HelpPeriod.monthNumber(at))
        }
        var together = TallyChanges()
        for event in events { together.add(event) }
        try await one.transaction { [together] in try await together.write(to: $0) }
        for event in events { try await other.transaction { try await TallyChanges(event).write(to: $0) } }
        let written = try await HelpStatisticsTests().tallies(one)
        #expect(written.count > 3 * 16)
        #expect(try await HelpStatisticsTests().tallies(other) == written)

        var taken = TallyChanges()
        for event in events.prefix(20) { taken.add(event, count: -1) }
        try await one.transaction { [taken] in try await taken.write(to: $0) }
        for event in events.prefix(20) {
            var change = TallyChanges()
            change.add(event, count: -1)
            try await other.transaction { [change] in try await change.write(to: $0) }
        }
        let left = try await HelpStatisticsTests().tallies(one)
        #expect(left.count < written.count)
        #expect(try await HelpStatisticsTests().tallies(other) == left)
    }
}
