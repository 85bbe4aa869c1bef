import RapportServerTesting
import CorePlugin
import Foundation
import RapportCore
import RapportStoreSQLite
import Testing
@testable import RapportMatrix

/// Against a real Synapse that each test starts in a fresh directory (deploy/servers/synapse.sh);
/// `human.py` plays the people.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct MatrixIntegrationTests {
    /// Starts Synapse with the bot and alice registered, runs `body`, and always stops it.
    func withHomeserver(_ body: (TestHomeserver, Human) async throws -> Void) async throws {
        try await RapportServerTesting.withHomeserver { server in
            try await body(server, try await server.register("alice", password: "alice-password"))
        }
    }

    @Test("invite → join, and !ping is answered with a notice replying to it")
    func inviteJoinAndPing() async throws {
        try await withHomeserver { server, alice in
            let bob = try await server.register("bob", password: "bob-password")
            let bot = server.userID("rapport")
            let store = try SQLiteStore()
            let connector = MatrixConnector(
                network: "local", configuration: matrixConfiguration(server, allow: [alice.userID]), store: store,
                logger: testLogger("matrix"))
            let runtime = Bot(
                configuration: BotConfiguration(), store: store, plugins: [PluginRegistration(CorePlugin.self)],
                connectors: [connector], logger: testLogger("bot"))
            let running = Task { try await runtime.run() }
            defer { running.cancel() }

            let room = try await alice.createRoom(inviting: bot)
            try await alice.run("wait_membership", room, bot, "join")
            let ping = try await alice.send(room, "!ping")
            let answer = try await alice.run("wait", room, bot, "pong")
            #expect(answer["content"]?["msgtype"] == "m.notice")
            #expect(answer["content"]?["m.relates_to"]?["m.in_reply_to"]?["event_id"]?.string == ping)
            #expect(answer["content"]?["m.mentions"]?["user_ids"] == [.string(alice.userID)])
            #expect(answer["content"]?["formatted_body"] == "pong")

            // bob is not in allow_invites_from: the invite is declined.
            let bobsRoom = try await bob.createRoom(inviting: bot)
            try await bob.run("wait_membership", bobsRoom, bot, "leave")
        }
    }

    @Test("replies, reactions, threads, edits and redactions arrive with their relations; an edit is not a second message")
    func relations() async throws {
        try await withHomeserver { server, alice in
            let bot = server.userID("rapport")
            let room = try await alice.createRoom(inviting: bot)
            let running = RunningConnector.start(MatrixConnector(
                network: "local", configuration: matrixConfiguration(server, allow: [alice.userID]), store: try SQLiteStore(),
                logger: testLogger("matrix")))
            try await alice.run("wait_membership", room, bot, "join")

            let first = try await alice.send(room, "helo world")
            let reply = try await alice.run("reply", room, first, "a reply")["event_id"]?.string
            let reaction = try await alice.run("react", room, first, "👍")["event_id"]?.string
            let thread = try await alice.run("thread", room, first, "in a thread")["event_id"]?.string
            let edit = try await alice.run("edit", room, first, "hello world")["event_id"]?.string
            let redaction = try await alice.run("redact", room, try #require(reaction))["event_id"]?.string
            let events = try await running.sink.wait("the redaction") { events in
                events.contains { $0.id?.rawValue == redaction }
            }
            try await running.stop()

            let byID = Dictionary(events.compactMap { e in e.id.map { ($0.rawValue, e) } }, uniquingKeysWith: { a, _ in a })
            #expect(byID[first]?.kind == .message(ChatMessage("helo world")))
            #expect(byID[try #require(reply)]?.kind == .message(ChatMessage("a reply", replyTo: MessageID(first))))
            #expect(byID[try #require(reaction)]?.kind == .reaction(target: MessageID(first), key: "👍"))
            #expect(byID[try #require(thread)]?.kind == .message(ChatMessage("in a thread", threadRoot: MessageID(first))))
            #expect(byID[try #require(edit)]?.kind == .edit(target: MessageID(first), ChatMessage("hello world", threadRoot: nil)))
            #expect(byID[try #require(redaction)]?.kind == .redaction(target: MessageID(try #require(reaction))))
            let texts = events.compactMap { e -> String? in if case .message(let m) = e.kind { m.text } else { nil } }
            #expect(texts == ["helo world", "a reply", "in a thread"], "the edit is not counted as a message")
            #expect(events.filter { $0.id != nil }.count == Set(events.compactMap(\.id)).count, "no event twice")
            #expect(events.allSatisfy { $0.channel == room })
        }
    }

    @Test("a DM room is created once, recorded in m.direct, and reused (also after a restart)")
    func directMessages() async throws {
        try await withHomeserver { server, alice in
            let store = try SQLiteStore()
            let configuration = matrixConfiguration(server)
            let bot = server.userID("rapport")
            let first = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("matrix")))
            async let one: Void = first.connector.deliver(OutgoingMessage(to: .user(address: alice.userID), text: "hello 1", style: .message))
            async let two: Void = first.connector.deliver(OutgoingMessage(to: .user(address: alice.userID), text: "hello 2", style: .message))
            _ = try await (one, two)
            try await first.stop()

            let rooms = try await server.botDirectRooms(with: alice.userID)
            #expect(rooms.count == 1)
            let room = try #require(rooms.first)
            try await alice.run("join", room)
            _ = try await alice.run("wait", room, bot, "hello 2")

            let second = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("matrix")))
            try await second.connector.deliver(OutgoingMessage(to: .user(address: alice.userID), text: "hello 3"))
            let third = try await alice.run("wait", room, bot, "hello 3")
            #expect(third["content"]?["msgtype"] == "m.notice")
            #expect(try await server.botDirectRooms(with: alice.userID) == [room])

            // And alice's DM to the bot arrives as a direct message.
            let sent = try await alice.send(room, "psst")
            let events = try await second.sink.wait("alice's DM") { $0.contains { $0.id?.rawValue == sent } }
            let dm = try #require(events.first { $0.id?.rawValue == sent })
            #expect(dm.isDirect && dm.channel == nil && dm.sender.address == alice.userID)
            try await second.stop()
        }
    }

    @Test("a restarted bot resumes from the saved since: nothing twice, nothing lost, same device")
    func restartResumes() async throws {
        try await withHomeserver { server, alice in
            let bot = server.userID("rapport")
            let store = try SQLiteStore()
            let configuration = matrixConfiguration(server, allow: [alice.userID])
            let room = try await alice.createRoom(inviting: bot)
            let first = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("matrix")))
            try await alice.run("wait_membership", room, bot, "join")
            let before = try await alice.send(room, "before restart")
            try await first.sink.wait("first message") { $0.contains { $0.id?.rawValue == before } }
            try await first.stop()
            let savedSince = try await store.value(forKey: "since", in: "matrix.local")
            let device = try await store.value(forKey: "device_id", in: "matrix.local")
            #expect(savedSince != nil && device != nil)

            let during = try await alice.send(room, "while the bot was away")
            let second = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("matrix")))
            let after = try await alice.send(room, "after restart")
            let events = try await second.sink.wait("messages after restart") { $0.contains { $0.id?.rawValue == after } }
            try await second.stop()
            let ids = events.compactMap(\.id?.rawValue)
            #expect(!ids.contains(before), "the first message is not processed again")
            #expect(ids.contains(during) && ids.contains(after))
            #expect(events.first { $0.id?.rawValue == during }?.isHistory == false)
            #expect(try await store.value(forKey: "device_id", in: "matrix.local") == device, "the device is reused")
        }
    }

    @Test("Synapse restarting mid-sync: the bot recovers, sees new messages, and its health counts the reconnect")
    func homeserverRestart() async throws {
        try await withHomeserver { server, alice in
            let bot = server.userID("rapport")
            let room = try await alice.createRoom(inviting: bot)
            let running = RunningConnector.start(MatrixConnector(
                network: "local", configuration: matrixConfiguration(server, allow: [alice.userID]), store: try SQLiteStore(),
                logger: testLogger("matrix")))
            try await alice.run("wait_membership", room, bot, "join")
            let before = try await alice.send(room, "before")
            try await running.sink.wait("before") { $0.contains { $0.id?.rawValue == before } }
            #expect(await running.connector.status() == .connected)
            try await server.restart()
            let after = try await alice.send(room, "after")
            try await running.sink.wait("after", seconds: 60) { $0.contains { $0.id?.rawValue == after } }
            let health = await running.connector.health()
            #expect(health.status == .connected && health.since != nil)
            #expect(health.reconnects >= 1, "/sync answered again after failing")
            #expect(health.lastError?.contains("sync") == true, "why /sync failed: \(health.lastError ?? "nil")")
            // And sending works again.
            try await running.connector.send(OutgoingMessage(to: .channel(room), text: "back"))
            _ = try await alice.run("wait", room, bot, "back")
            try await running.stop()
            #expect(await running.connector.status() == .disconnected)
        }
    }

    @Test("in an encrypted room the bot says once that it cannot read it; a kick makes it forget the room")
    func encryptedRoomAndKick() async throws {
        try await withHomeserver { server, alice in
            let bot = server.userID("rapport")
            let store = try SQLiteStore()
            let running = RunningConnector.start(MatrixConnector(
                network: "local", configuration: matrixConfiguration(server, allow: [alice.userID]), store: store,
                logger: testLogger("matrix")))
            let room = try await alice.run("create_encrypted_room", bot)["room_id"]?.string ?? ""
            try await alice.run("wait_membership", room, bot, "join")
            _ = try await alice.run("wait", room, bot, "encrypted")
            try await alice.run("kick", room, bot)
            try await running.sink.wait("the kick") { $0.contains { if case .kick = $0.kind { true } else { false } } }
            try await running.stop()
            let notices = try await alice.run("messages", room).array?.filter { $0["sender"]?.string == bot && $0["type"] == "m.room.message" }
            #expect(notices?.count == 1)
            #expect(try await store.value(forKey: "encryption_notice/\(room)", in: "matrix.local") == "1")
        }
    }
}
