import Testing
@testable import RapportReciprocity

struct CreditResolverTests {
    let resolver = CreditResolver { $0 == "ubottu" }

    @Test func namedNicksWin() {
        let credit = resolver.resolve(.init(thanker: "alice", named: ["bob"], linkedAuthor: "carol", recentHelper: "dave"))
        #expect(credit == .init(nicks: ["bob"], source: .named))
    }

    @Test func explicitReplyBeforeLink() {
        let credit = resolver.resolve(.init(thanker: "alice", explicitReplyAuthor: "bob", linkedAuthor: "carol"))
        #expect(credit == .init(nicks: ["bob"], source: .explicitReply))
    }

    @Test func linkedAuthorThenRecentHelper() {
        #expect(resolver.resolve(.init(thanker: "alice", linkedAuthor: "carol"))?.nicks == ["carol"])
        #expect(resolver.resolve(.init(thanker: "alice", linkedAuthor: "Alice", recentHelper: "dave"))
            == .init(nicks: ["dave"], source: .recentHelper))
    }

    @Test func neverSelfNeverBots() {
        #expect(resolver.resolve(.init(thanker: "alice", named: ["ALICE"])) == nil)
        #expect(resolver.resolve(.init(thanker: "alice", named: ["ubottu"], recentHelper: "bob")) == nil)
        #expect(resolver.resolve(.init(thanker: "alice", linkedAuthor: "ubottu")) == nil)
    }

    @Test func casemappingFoldsNicks() {
        // Under rfc1459, [ and { are the same letter.
        #expect(resolver.resolve(.init(thanker: "bob[m]", named: ["Bob{m}"])) == nil)
    }
}
