import RapportCore
import Testing

struct IdentityTests {
    @Test func canonicalForms() {
        #expect(Identity("irc:libera:Alice")?.rawValue == "irc:libera:alice")
        #expect(Identity("matrix:@alice:example.org")?.rawValue == "matrix:@alice:example.org")
        #expect(Identity("console:you")?.rawValue == "console:you")
        #expect(Identity.irc(network: "local", account: "Bob") == Identity("irc:local:bob"))
    }

    @Test(arguments: ["alice", "irc:libera", "irc::alice", "matrix:alice:example.org", "mail:alice", ""])
    func bareNicksAndMalformedTextAreNotIdentities(text: String) {
        #expect(Identity(text) == nil)
    }

    @Test func casemappingFoldsIRCSpecialCharacters() {
        #expect(Casemapping.rfc1459.equal("Bob[m]", "bob{m}"))
        #expect(Casemapping.rfc1459.equal("a~b", "A^B"))
        #expect(!Casemapping.strictRFC1459.equal("a~b", "a^b"))
        #expect(!Casemapping.ascii.equal("Bob[m]", "bob{m}"))
        #expect(Casemapping.ascii.equal("ALICE", "alice"))
        #expect(!Casemapping.none.equal("@Alice:x", "@alice:x"))
    }
}
