import Foundation
import RapportCore
import RapportIRC
import RapportServerTesting
import RapportStoreSQLite
import Testing
import ThanksPlugin

/// `!link` on a real InspIRCd with Atheme (`deploy/servers/inspircd.sh`): the accounts people
/// logged in with through SASL are what gets linked, and a nick without one is refused.
@Suite(.timeLimit(.minutes(5)))
struct IdentityLinksIRCTests {
    /// `nick` connects (logged in to `account` when given) and DMs `text` to the bot; returns its answer.
    func ask(_ client: TestIRCClient, _ text: String) async throws -> String {
        let nick = await client.nick
        try await client.send("PRIVMSG rapport :\(text)")
        return try await client.waitFor { $0.isText(from: "rapport", to: nick) }.parameters.last ?? ""
    }

    @Test(.timeLimit(.minutes(3)))
    func twoLoggedInAccountsLinkByCodeAndABareNickIsRefused() async throws {
        try await withIRCServer(.inspircd) { server in
            let store = try SQLiteStore()
            try await withIRCBot(server, plugins: [PluginRegistration(ThanksPlugin.self)], store: store) {
                let first = try await TestIRCClient.connect(port: server.port, nick: "alice", sasl: ("alice", "alicepass"))
                let second = try await TestIRCClient.connect(port: server.port, nick: "alice_phone", sasl: ("bob", "bobpass"))
                let bare = try await TestIRCClient.connect(port: server.port, nick: "dave")

                #expect(try await ask(bare, "!link").hasPrefix("Linking needs a verified identity"))
                let offer = try await ask(first, "!link")
                let code = String(try #require(offer.firstMatch(of: /code is ([A-Z0-9]{10})\./)).1)
                #expect(try await ask(bare, "!link \(code)").hasPrefix("Linking needs a verified identity"))
                #expect(try await ask(second, "!link \(code)") == "Linked: irc:local:alice and irc:local:bob now count as one person. !link list shows them, !unlink undoes it.")
                #expect(try await ask(first, "!link list") == "Linked as one person: irc:local:alice, irc:local:bob.")
                let links = try await store.query("SELECT identity FROM thanks_link ORDER BY identity", [])
                #expect(links.map { $0["identity"].string } == ["irc:local:alice", "irc:local:bob"])
            }
        }
    }
}
