import Foundation
import Logging
import RapportCore
import RapportIRC
import RapportMatrix
import RapportServerTesting
import RapportStoreSQLite
import Testing
import ThanksPlugin

/// One person on a real InspIRCd (logged in with SASL) and a real Synapse links the two
/// identities: the code comes by Matrix DM and goes back by IRC DM.
@Suite(.timeLimit(.minutes(5)))
struct IdentityLinksMatrixTests {
    @Test(.timeLimit(.minutes(5)))
    func aMatrixIDAndAnIRCAccountLinkAcrossRealServers() async throws {
        let homeserver = try await TestHomeserver.start()
        do {
            try await linkAcross(homeserver)
        } catch {
            await homeserver.stop()
            throw error
        }
        await homeserver.stop()
    }

    func linkAcross(_ homeserver: TestHomeserver) async throws {
        let botLogin = try await homeserver.register("rapport", password: "rapport-password")
        let alice = try await homeserver.register("alice", password: "alice-password")
        let store = try SQLiteStore()
        let matrix = MatrixConnector(
            network: "matrix",
            configuration: MatrixConfiguration(
                homeserver: homeserver.url, userID: botLogin.userID, password: "rapport-password", allowInvitesFrom: [alice.userID],
                syncTimeout: 5),
            store: store, logger: Logger(label: "rapport.test.matrix"))
        try await withIRCServer(.inspircd) { server in
            try await withIRCBot(server, plugins: [PluginRegistration(ThanksPlugin.self)], store: store, otherConnectors: [matrix]) {
                let room = try await alice.createRoom(inviting: botLogin.userID)
                try await alice.run("wait_membership", room, botLogin.userID, "join")
                _ = try await alice.send(room, "!link")
                _ = try await alice.run("wait", room, botLogin.userID, "I answered you privately")

                let direct = try await botLogin.run("account_data", botLogin.userID, "m.direct")
                let dmRoom = try #require(direct[alice.userID]?.array?.first?.string)
                try await alice.run("join", dmRoom)
                let offer = try await alice.run("wait", dmRoom, botLogin.userID, "code is")["content"]?["body"]?.string ?? ""
                let code = String(try #require(offer.firstMatch(of: /code is ([A-Z0-9]{10})\./)).1)

                let irc = try await TestIRCClient.connect(port: server.port, nick: "alice", sasl: ("alice", "alicepass"))
                try await irc.send("PRIVMSG rapport :!link \(code)")
                let linked = try await irc.waitFor { $0.isText(from: "rapport", to: "alice") }.parameters.last
                #expect(linked == "Linked: matrix:\(alice.userID) and irc:local:alice now count as one person. !link list shows them, !unlink undoes it.")
                let rows = try await store.query("SELECT identity FROM thanks_link ORDER BY identity", [])
                #expect(rows.map { $0["identity"].string } == ["irc:local:alice", "matrix:\(alice.userID)"])
            }
        }
    }
}
