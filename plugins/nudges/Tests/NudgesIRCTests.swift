import Foundation
import NudgesPlugin
import RapportCore
import RapportIRC
import RapportServerTesting
import RapportStoreSQLite
import Testing

/// Nudges end to end on a real InspIRCd started by `deploy/servers/inspircd.sh`, in real time
/// with a short `thank_after` and a one-second delivery job.
@Suite(.timeLimit(.minutes(5)))
struct NudgesIRCTests {
    static let thankAfter = NudgeBot.thankAfter

    /// Runs the nudge bot on `server` (in `#rapport`) until `body` ends.
    func withNudgeBot<T: Sendable>(_ server: TestIRCServer, store: any Store, _ body: () async throws -> T) async throws -> T {
        try await withIRCBot(server, plugins: NudgeBot.plugins, configuration: NudgeBot.configuration, store: store, body)
    }

    func joined(_ nick: String, _ server: TestIRCServer) async throws -> TestIRCClient {
        let client = try await TestIRCClient.connect(port: server.port, nick: nick)
        try await client.send("JOIN #rapport")
        _ = try await client.waitFor { $0.command == "366" }
        return client
    }

    /// `helper` answers `asker`'s question, and `asker` goes on talking without thanks; returns when.
    func unthankedAnswer(asker: TestIRCClient, helper: TestIRCClient, topic: String) async throws -> Date {
        let (askerNick, helperNick) = (await asker.nick, await helper.nick)
        try await asker.send("PRIVMSG #rapport :how do I \(topic) on ubuntu?")
        _ = try await helper.waitFor { $0.isText(from: askerNick, to: "#rapport") }
        try await helper.send("PRIVMSG #rapport :\(askerNick): install the \(topic) package, then log in again")
        let answered = Date()
        _ = try await asker.waitFor { $0.isText(from: helperNick, to: "#rapport") }
        // A person takes a moment: a line stamped the very millisecond of the answer is not "afterwards".
        try await Task.sleep(for: .milliseconds(50))
        try await asker.send("PRIVMSG #rapport :anyone here using kde plasma?")
        return answered
    }

    /// Waits until `client` saw the bot quit: the next bot may take the nick `rapport` again
    /// (a loaded server can still hold the old connection when the next one registers).
    func botQuit(_ client: TestIRCClient) async throws {
        _ = try await client.waitFor(timeout: 60) { $0.command == "QUIT" && $0.sourceNick == "rapport" }
    }

    func dms(to nick: String) -> @Sendable (IRCMessage) -> Bool {
        { $0.isText(from: "rapport", to: nick) }
    }

    @Test(.timeLimit(.minutes(3)))
    func anUnthankedAnswerGetsOneDirectMessageAfterTheDelayAndStopAndNudgesOffAreHonoured() async throws {
        try await withIRCServer(.inspircd) { server in
            try await withNudgeBot(server, store: try SQLiteStore()) {
                let alice = try await joined("alice", server)
                let bob = try await joined("bob", server)
                let carol = try await joined("carol", server)
                let dave = try await joined("dave", server)
                let answered = try await unthankedAnswer(asker: alice, helper: bob, topic: "mount an ntfs drive")
                let dm = try await alice.waitFor(timeout: 45, dms(to: "alice"))
                #expect(Date().timeIntervalSince(answered) >= Self.thankAfter)
                let text = dm.parameters.last ?? ""
                #expect(text.contains("bob answered your question"))
                #expect(text.contains("install the mount an ntfs drive package"))
                #expect(text.contains("Reply stop"))
                #expect(try await alice.collect(for: 2 * Self.thankAfter, dms(to: "alice")).isEmpty)

                try await carol.send("PRIVMSG rapport :stop")
                #expect(try await carol.waitFor(dms(to: "carol")).parameters.last?.hasPrefix("Understood: no more reminders") == true)
                try await dave.send("PRIVMSG #rapport :!nudges off")
                #expect(try await dave.waitFor { $0.isText(from: "rapport", to: "#rapport") }.parameters.last == "Your reminders are off.")
                _ = try await unthankedAnswer(asker: carol, helper: bob, topic: "change the wallpaper")
                _ = try await unthankedAnswer(asker: dave, helper: bob, topic: "list usb devices")
                // Alice, with reminders on, gets hers for the same kind of exchange in the same time.
                _ = try await unthankedAnswer(asker: alice, helper: bob, topic: "check the kernel version")
                #expect(try await alice.collect(1, timeout: 20, dms(to: "alice")).count == 1)
                #expect(try await carol.collect(for: 1, dms(to: "carol")).isEmpty)
                #expect(try await dave.collect(for: 1, dms(to: "dave")).isEmpty)
                for client in [alice, bob, carol, dave] { await client.close() }
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aRestartBetweenDueAndSentSendsExactlyOneDirectMessage() async throws {
        try await withIRCServer(.inspircd) { server in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nudges-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let alice = try await joined("alice", server)
            let bob = try await joined("bob", server)
            // The bot stops before the reminder is due, and is back only after.
            let firstStore = try SQLiteStore(path: path)
            let answered = try await withNudgeBot(server, store: firstStore) {
                let answered = try await unthankedAnswer(asker: alice, helper: bob, topic: "mount an ntfs drive")
                // Stopping now must not lose it: the bot has stored the owed thanks, and seen alice talk on.
                let nudges = NudgeStore(PluginStore(namespace: "nudges", database: firstStore))
                try await eventually("the bot stored alice's owed thanks and her next line") {
                    guard let owed = try await nudges.due(at: .distantFuture).first,
                        let alice = try await nudges.person(network: "local", nick: "alice")
                    else { return false }
                    return alice.lastActive > owed.createdAt
                }
                return answered
            }
            try await botQuit(alice)
            let early = await alice.all().filter(dms(to: "alice"))
            #expect(early.isEmpty)
            try await Task.sleep(for: .seconds(max(0, Self.thankAfter + 1 - Date().timeIntervalSince(answered))))
            // The reminder may go out the moment the bot is back, before it has even joined.
            try await withNudgeBot(server, store: try SQLiteStore(path: path)) {
                try await eventually("alice got her reminder", timeout: 45) { await !alice.all().filter(dms(to: "alice")).isEmpty }
                try await Task.sleep(for: .seconds(3))
            }
            try await botQuit(alice)
            try await withNudgeBot(server, store: try SQLiteStore(path: path)) { try await Task.sleep(for: .seconds(3)) }
            let sent = await alice.all().filter(dms(to: "alice"))
            #expect(sent.count == 1)
            await alice.close()
            await bob.close()
        }
    }
}
