import Foundation
import RapportMatrix
import RapportServerTesting
import RapportStoreSQLite
import Testing

/// Nudges end to end on a real Synapse started by `deploy/servers/synapse.sh`, with `human.py`
/// playing alice and bob, in real time with a short `thank_after` and a one-second delivery job.
@Suite(.timeLimit(.minutes(5)))
struct NudgesMatrixTests {
    static let thankAfter = NudgeBot.thankAfter

    /// `helper` answers `asker`'s question with a Matrix reply, and `asker`, having seen it, goes
    /// on talking without thanks; returns the answer as the asker read it.
    func unthankedAnswer(asker: Human, helper: Human, in room: String, topic: String) async throws -> MatrixJSON {
        let question = try await asker.send(room, "how do I \(topic) on ubuntu?")
        try await helper.run("reply", room, question, "install the \(topic) package, then log in again")
        let answer = try await asker.run("wait", room, helper.userID, "install the \(topic) package")
        _ = try await asker.send(room, "anyone here using kde plasma?")
        return answer
    }

    /// The bodies of the bot's messages in `room`, oldest first, as `person` reads them.
    func botMessages(in room: String, as person: Human, bot: String) async throws -> [String] {
        let events = try await person.run("messages", room).array ?? []
        return events.filter { $0["sender"]?.string == bot && $0["type"] == "m.room.message" }.compactMap { $0["content"]?["body"]?.string }
    }

    /// Waits for the bot's invite to its DM room with `person`, joins it, and returns the room.
    func joinDirectRoom(_ person: Human, bot: String) async throws -> String {
        let invite = try await person.run("wait_invite", bot, "30")
        #expect(invite["is_direct"]?.bool == true, "the bot's invite marks the room as a DM")
        let room = try #require(invite["room_id"]?.string)
        try await person.run("join", room)
        return room
    }

    @Test(.timeLimit(.minutes(4)))
    func anUnthankedAnswerGetsOneDirectMessageInTheDMRoomAfterTheDelayAndStopThereIsHonoured() async throws {
        try await withHomeserver { server in
            let alice = try await server.register("alice", password: "alice-password")
            let bob = try await server.register("bob", password: "bob-password")
            let bot = server.userID("rapport")
            let store = try SQLiteStore()
            let connector = MatrixConnector(
                network: "local", configuration: matrixConfiguration(server, allow: [alice.userID]), store: store, logger: testBotLogger())
            try await withBot(plugins: NudgeBot.plugins, configuration: NudgeBot.configuration, store: store, connectors: [connector]) {
                let room = try await alice.createRoom(inviting: bot, bob.userID)
                try await bob.run("join", room)
                try await alice.run("wait_membership", room, bot, "join")

                let answer = try await unthankedAnswer(asker: alice, helper: bob, in: room, topic: "mount an ntfs drive")
                let dmRoom = try await joinDirectRoom(alice, bot: bot)
                let dm = try await alice.run("wait", dmRoom, bot, "answered your question", "30")
                let delay = Double((dm["origin_server_ts"]?.int ?? 0) - (answer["origin_server_ts"]?.int ?? 0)) / 1000
                #expect(delay >= Self.thankAfter, "sent \(delay) s after the answer")
                let text = dm["content"]?["body"]?.string ?? ""
                #expect(text.contains("bob answered your question"))
                #expect(text.contains("install the mount an ntfs drive package"))
                #expect(text.contains("Reply stop"))
                #expect(try await server.botDirectRooms(with: alice.userID) == [dmRoom], "the room is the bot's m.direct room with alice")
                try await Task.sleep(for: .seconds(2 * Self.thankAfter))
                #expect(try await botMessages(in: dmRoom, as: alice, bot: bot) == [text], "never again for that answer")

                _ = try await alice.send(dmRoom, "stop")
                let understood = try await alice.run("wait", dmRoom, bot, "Understood: no more reminders")["content"]?["body"]?.string
                _ = try await unthankedAnswer(asker: alice, helper: bob, in: room, topic: "check the kernel version")
                // Alice's second reminder falls due and is considered before she answers bob below.
                try await Task.sleep(for: .seconds(Self.thankAfter + 3))
                // Bob, with reminders on, gets his for the same kind of exchange: deliveries still go out.
                _ = try await unthankedAnswer(asker: bob, helper: alice, in: room, topic: "list usb devices")
                let bobsRoom = try await joinDirectRoom(bob, bot: bot)
                _ = try await bob.run("wait", bobsRoom, bot, "alice answered your question", "30")
                #expect(try await botMessages(in: dmRoom, as: alice, bot: bot) == [text, try #require(understood)])
                #expect(try await alice.run("invites").array?.isEmpty == true, "no other room from the bot")
            }
        }
    }
}
