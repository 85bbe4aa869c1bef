import Foundation
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import DashboardPlugin

struct DashboardAccessTests {
    let alice = DashboardAccess.Grant(.irc(network: "test", account: "alice"))
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func access() async throws -> (DashboardAccess, any Store) {
        let store = try SQLiteStore()
        let access = DashboardAccess(PluginStore(namespace: "dashboard", database: store))
        try await access.migrate()
        return (access, store)
    }

    @Test func aTokenSignsInOnceAndOnlyOnce() async throws {
        let (access, _) = try await access()
        let token = try await access.issueToken(for: alice, now: start)
        #expect(try await access.redeem(token, now: start.addingTimeInterval(60)) == .success(alice))
        #expect(try await access.redeem(token, now: start.addingTimeInterval(61)) == .failure(.unknownOrUsed))
    }

    @Test func aTokenExpiresAfterTenMinutes() async throws {
        let (access, _) = try await access()
        let token = try await access.issueToken(for: alice, now: start)
        #expect(try await access.redeem(token, now: start.addingTimeInterval(DashboardAccess.linkLifetime + 1)) == .failure(.expired))
        #expect(try await access.redeem("made-up", now: start) == .failure(.unknownOrUsed))
    }

    @Test func checkingATokenLeavesItUsable() async throws {
        let (access, _) = try await access()
        let token = try await access.issueToken(for: alice, now: start)
        #expect(try await access.check(token, now: start) == .success(alice))
        #expect(try await access.check(token, now: start.addingTimeInterval(DashboardAccess.linkLifetime + 1)) == .failure(.expired))
        #expect(try await access.redeem(token, now: start) == .success(alice))
        #expect(try await access.check(token, now: start) == .failure(.unknownOrUsed))
    }

    @Test func aFormCodeIsGoodForItsOwnTokenOnly() async throws {
        let (access, _) = try await access()
        let first = try await access.issueToken(for: alice, now: start)
        let second = try await access.issueToken(for: alice, now: start)
        let code = try await access.formCode(for: first)
        #expect(try await access.isFormCode(code, for: first))
        #expect(try await !access.isFormCode(code, for: second))
        #expect(try await !access.isFormCode("", for: first))
    }

    @Test func tokensAreLongAndDifferent() async throws {
        let (access, _) = try await access()
        let tokens = try await [access.issueToken(for: alice, now: start), access.issueToken(for: alice, now: start)]
        #expect(tokens[0] != tokens[1])
        #expect(tokens.allSatisfy { Data(base64Encoded: $0.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "=")?.count == 32 })
    }

    @Test func onlyHashesAreStored() async throws {
        let (access, store) = try await access()
        let token = try await access.issueToken(for: alice, now: start)
        let session = try await access.openSession(for: alice, now: start)
        let stored = try await store.query("SELECT token_hash AS secret FROM dashboard_signin UNION ALL SELECT id_hash FROM dashboard_session", [])
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0["secret"].string != token && $0["secret"].string != session && $0["secret"].string?.count == 64 })
    }

    @Test func aSessionLastsItsLifetime() async throws {
        let (access, _) = try await access()
        let session = try await access.openSession(for: alice, now: start)
        #expect(try await access.session(session, now: start.addingTimeInterval(DashboardAccess.sessionLifetime - 1)) == alice)
        #expect(try await access.session(session, now: start.addingTimeInterval(DashboardAccess.sessionLifetime + 1)) == nil)
        #expect(try await access.session("forged", now: start) == nil)
    }

    @Test func anOperatorsLinkAndSessionKeepTheirChannelAndSigningOutEndsTheSession() async throws {
        let (access, _) = try await access()
        let op = DashboardAccess.Grant(.irc(network: "test", account: "op"), operatorOf: ("test", "#x"))
        let token = try await access.issueToken(for: op, now: start)
        let redeemed = try await access.redeem(token, now: start)
        #expect(redeemed == .success(op))
        let session = try await access.openSession(for: op, now: start)
        let signedIn = try #require(try await access.session(session, now: start))
        #expect(signedIn.channel?.network == "test" && signedIn.channel?.channel == "#x")
        #expect(try await access.isFormToken(try await access.formToken(forSession: session), forSession: session))
        #expect(try await !access.isFormToken(try await access.formToken(forSession: "another"), forSession: session))
        try await access.closeSession(session)
        #expect(try await access.session(session, now: start) == nil)
    }
}
