import Foundation
import RapportCore
import Testing
@testable import RapportMatrix

struct MatrixEventTranslatorTests {
    @Test("text, notice and emote become message, notice and action")
    func messageKinds() throws {
        var translator = Fixture.translator()
        let actions = translator.process(Fixture.batch([
            Fixture.message("$1", "!ping"),
            Fixture.message("$2", "a notice", msgtype: "m.notice"),
            Fixture.message("$3", "waves", msgtype: "m.emote"),
            Fixture.message("$4", "cat.png", msgtype: "m.image"),
        ]), initial: false)
        let events = Fixture.events(actions)
        #expect(events.map(\.kind) == [
            .message(ChatMessage("!ping")), .notice(ChatMessage("a notice")), .action(ChatMessage("waves")),
        ])
        let first = try #require(events.first)
        #expect(first.channel == Fixture.room)
        #expect(first.id == MessageID("$1"))
        #expect(first.sender.identity == .matrix(userID: Fixture.alice))
        #expect(first.sender.address == Fixture.alice)
        #expect(first.sender.nick == "alice")
        #expect(!first.isHistory && !first.isOwn)
        #expect(first.time == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func displayNameIsTheNick() throws {
        var translator = Fixture.translator()
        let actions = translator.process(
            Fixture.batch([Fixture.message("$1", "hi")], state: [Fixture.member(Fixture.alice, "join", name: "Alice A.")]),
            initial: false)
        #expect(try #require(Fixture.events(actions).first).sender.nick == "Alice A.")
    }

    @Test func replyRelationAndFallbackStripped() throws {
        var translator = Fixture.translator()
        let reply = Fixture.message(
            "$2", "> <@bob:example.org> original\n> more\n\n!ping",
            extra: ["m.relates_to": ["m.in_reply_to": ["event_id": "$1"]]])
        let event = try #require(Fixture.events(translator.process(Fixture.batch([reply]), initial: false)).first)
        #expect(event.kind == .message(ChatMessage("!ping", replyTo: MessageID("$1"))))
    }

    @Test func threadRootKeptAsContext() throws {
        var translator = Fixture.translator()
        let inThread = Fixture.message(
            "$5", "in a thread",
            extra: ["m.relates_to": ["rel_type": "m.thread", "event_id": "$root", "is_falling_back": true, "m.in_reply_to": ["event_id": "$4"]]])
        let explicitReply = Fixture.message(
            "$6", "answer",
            extra: ["m.relates_to": ["rel_type": "m.thread", "event_id": "$root", "is_falling_back": false, "m.in_reply_to": ["event_id": "$5"]]])
        let messages = Fixture.events(translator.process(Fixture.batch([inThread, explicitReply]), initial: false)).compactMap(\.message)
        #expect(messages == [
            ChatMessage("in a thread", threadRoot: MessageID("$root")),
            ChatMessage("answer", replyTo: MessageID("$5"), threadRoot: MessageID("$root")),
        ])
    }

    @Test func mentionsFromMMentionsOrPills() {
        let explicit: MatrixJSON = ["body": "hi bob", "m.mentions": ["user_ids": ["@bob:example.org"]]]
        let pills: MatrixJSON = [
            "body": "hi bob", "format": "org.matrix.custom.html",
            "formatted_body": "hi <a href=\"https://matrix.to/#/%40bob%3Aexample.org\">bob</a> and <a href='https://matrix.to/#/@carol:example.org?via=x'>c</a>",
        ]
        #expect(MatrixEventTranslator.mentions(in: explicit) == ["@bob:example.org"])
        #expect(MatrixEventTranslator.mentions(in: pills) == ["@bob:example.org", "@carol:example.org"])
        #expect(MatrixEventTranslator.mentions(in: ["body": "plain"]) == [])
    }

    @Test("an edit is an edit of the original, never a second message")
    func editIsNotASecondMessage() {
        var translator = Fixture.translator()
        let original = Fixture.message("$1", "helo")
        let edit = Fixture.message(
            "$2", "* hello",
            extra: ["m.new_content": ["msgtype": "m.text", "body": "hello"], "m.relates_to": ["rel_type": "m.replace", "event_id": "$1"]])
        let kinds = Fixture.events(translator.process(Fixture.batch([original, edit]), initial: false)).map(\.kind)
        #expect(kinds == [.message(ChatMessage("helo")), .edit(target: MessageID("$1"), ChatMessage("hello"))])
    }

    @Test func editOfSomeoneElsesMessageIsIgnored() {
        var translator = Fixture.translator()
        let original = Fixture.message("$1", "mine")
        let forged = Fixture.message(
            "$2", "* yours", from: Fixture.bob,
            extra: ["m.new_content": ["msgtype": "m.text", "body": "yours"], "m.relates_to": ["rel_type": "m.replace", "event_id": "$1"]])
        #expect(Fixture.events(translator.process(Fixture.batch([original, forged]), initial: false)).count == 1)
    }

    @Test func reactionsAndRedactions() {
        var translator = Fixture.translator()
        let reaction = ClientEvent(
            type: "m.reaction", eventID: "$r", sender: Fixture.bob,
            content: ["m.relates_to": ["rel_type": "m.annotation", "event_id": "$1", "key": "👍"]])
        let oldRedaction = ClientEvent(type: "m.room.redaction", eventID: "$x", sender: Fixture.bob, redacts: "$r")
        let v11Redaction = ClientEvent(type: "m.room.redaction", eventID: "$y", sender: Fixture.alice, content: ["redacts": "$1"])
        let kinds = Fixture.events(translator.process(Fixture.batch([reaction, oldRedaction, v11Redaction]), initial: false)).map(\.kind)
        #expect(kinds == [
            .reaction(target: MessageID("$1"), key: "👍"), .redaction(target: MessageID("$r")), .redaction(target: MessageID("$1")),
        ])
    }

    @Test("power level at or above the threshold makes an operator")
    func powerLevels() {
        var translator = Fixture.translator()
        let actions = translator.process(
            Fixture.batch(
                [Fixture.message("$1", "from alice"), Fixture.message("$2", "from bob", from: Fixture.bob)],
                state: [Fixture.powerLevels([Fixture.alice: 50, Fixture.bob: 49])]),
            initial: false)
        #expect(Fixture.events(actions).map(\.senderIsOperator) == [true, false])
    }

    @Test func powerLevelChangeInTimelineAppliesToLaterEvents() {
        var translator = Fixture.translator()
        let actions = translator.process(
            Fixture.batch([
                Fixture.message("$1", "before", from: Fixture.bob),
                Fixture.powerLevels([Fixture.bob: 100]),
                Fixture.message("$2", "after", from: Fixture.bob),
            ]),
            initial: false)
        #expect(Fixture.events(actions).filter { $0.message != nil }.map(\.senderIsOperator) == [false, true])
    }

    @Test("each event is delivered once, also by a translator restored from the saved IDs")
    func dedupeAcrossRestarts() {
        var first = Fixture.translator()
        let batch = Fixture.batch([Fixture.message("$1", "one"), Fixture.message("$2", "two")])
        #expect(Fixture.events(first.process(batch, initial: false)).count == 2)
        #expect(Fixture.events(first.process(batch, initial: false)).isEmpty)
        var restored = Fixture.translator(seen: first.seen.elements)
        let again = Fixture.batch([Fixture.message("$2", "two"), Fixture.message("$3", "three")])
        #expect(Fixture.events(restored.process(again, initial: false)).map(\.id) == [MessageID("$3")])
    }

    @Test func seenIsBounded() {
        var set = BoundedSet(capacity: 3, ["a", "b", "c"])
        let insertedD = set.insert("d")
        #expect(insertedD)
        #expect(set.elements == ["b", "c", "d"])
        #expect(!set.contains("a"))
        let insertedC = set.insert("c")
        #expect(!insertedC)
    }

    @Test func initialSyncIsHistory() {
        var translator = Fixture.translator()
        let events = Fixture.events(translator.process(Fixture.batch([Fixture.message("$1", "!ping")]), initial: true))
        #expect(events.map(\.isHistory) == [true])
    }

    @Test("in a newly joined room, what came before the bot's join is history")
    func historyBeforeOwnJoin() {
        var translator = Fixture.translator()
        translator.noteJoined(Fixture.room)
        let actions = translator.process(
            Fixture.batch([
                Fixture.message("$old", "!ping"), Fixture.member(Fixture.bot, "join"), Fixture.message("$new", "!ping"),
            ]),
            initial: false)
        let messages = Fixture.events(actions).filter { $0.message != nil }
        #expect(messages.map(\.isHistory) == [true, false])
        let own = Fixture.events(actions).first { $0.kind == .join }
        #expect(own?.isOwn == true)
    }

    @Test func membershipEvents() {
        var translator = Fixture.translator()
        let actions = translator.process(
            Fixture.batch([
                Fixture.member(Fixture.bob, "join", name: "Bob"),
                Fixture.member(Fixture.bob, "join", name: "Robert", id: "$rename"),
                Fixture.member(Fixture.bob, "leave", by: Fixture.alice, id: "$kick"),
                Fixture.member(Fixture.alice, "leave"),
            ]),
            initial: false)
        let kinds = Fixture.events(actions).map(\.kind)
        #expect(kinds == [.join, .kick(target: "Robert", reason: nil), .part(reason: nil)])
    }

    @Test("an invite is accepted when allowed", arguments: [
        ([Fixture.alice], true), (["*:example.org"], true), (["*"], true), (["@carol:example.org"], false), ([], false),
    ])
    func invites(allow: [String], accepted: Bool) {
        var translator = Fixture.translator(allow: allow)
        let batch = SyncResponse(
            nextBatch: "s", rooms: .init(invite: ["!new:example.org": .init(inviteState: [Fixture.member(Fixture.bot, "invite", by: Fixture.alice)])]))
        let actions = translator.process(batch, initial: false)
        #expect(Fixture.events(actions).map(\.kind) == [.invite])
        let decision = accepted
            ? MatrixEventTranslator.Action.acceptInvite(roomID: "!new:example.org", inviter: Fixture.alice, isDirect: false)
            : .declineInvite(roomID: "!new:example.org", inviter: Fixture.alice)
        #expect(actions.last == decision)
        #expect(translator.process(batch, initial: false).isEmpty, "an invite is handled once")
    }

    @Test func inviteToConfiguredRoomIDIsAccepted() {
        var translator = MatrixEventTranslator(
            network: "mx", ownUserID: Fixture.bot, configuration: Fixture.configuration(rooms: ["!lobby:example.org"]))
        let batch = SyncResponse(
            nextBatch: "s", rooms: .init(invite: ["!lobby:example.org": .init(inviteState: [Fixture.member(Fixture.bot, "invite", by: Fixture.bob)])]))
        #expect(translator.process(batch, initial: false).last == .acceptInvite(roomID: "!lobby:example.org", inviter: Fixture.bob, isDirect: false))
    }

    @Test("kicked or banned: the room is forgotten")
    func kickedLeavesCleanly() {
        var translator = Fixture.translator()
        _ = translator.process(Fixture.batch([Fixture.message("$1", "hi")]), initial: false)
        let kick = Fixture.member(Fixture.bot, "ban", by: Fixture.alice, id: "$ban")
        let batch = SyncResponse(nextBatch: "s2", rooms: .init(leave: [Fixture.room: .init(timeline: .init(events: [kick]))]))
        let actions = translator.process(batch, initial: false)
        #expect(Fixture.events(actions).map(\.kind) == [.kick(target: "rapport", reason: nil)])
        #expect(actions.last == .forget(roomID: Fixture.room))
        #expect(translator.room(Fixture.room) == nil)
    }

    @Test func ownLeaveIsNotForgottenTwice() {
        var translator = Fixture.translator()
        _ = translator.process(Fixture.batch([Fixture.message("$1", "hi")]), initial: false)
        let batch = SyncResponse(
            nextBatch: "s2", rooms: .init(leave: [Fixture.room: .init(timeline: .init(events: [Fixture.member(Fixture.bot, "leave")]))]))
        #expect(!translator.process(batch, initial: false).contains(.forget(roomID: Fixture.room)))
    }

    @Test("an encrypted room is announced once")
    func encryptionAnnouncedOnce() {
        var translator = Fixture.translator()
        let encryption = ClientEvent(type: "m.room.encryption", eventID: "$e", sender: Fixture.alice, stateKey: "", content: ["algorithm": "m.megolm.v1.aes-sha2"])
        let first = translator.process(Fixture.batch([encryption]), initial: false)
        #expect(first.contains(.announceEncryption(roomID: Fixture.room)))
        let encrypted = ClientEvent(type: "m.room.encrypted", eventID: "$c", sender: Fixture.alice, content: ["ciphertext": "…"])
        let second = translator.process(Fixture.batch([encrypted], next: "s2"), initial: false)
        #expect(second.isEmpty)
    }

    @Test("messages in a DM room arrive as direct messages")
    func directMessages() throws {
        var translator = Fixture.translator()
        let direct = AccountDataEvent(type: "m.direct", content: [Fixture.alice: ["!dm:example.org"]])
        let actions = translator.process(
            Fixture.batch([Fixture.member(Fixture.alice, "join"), Fixture.message("$1", "ping")], room: "!dm:example.org", accountData: [direct]),
            initial: false)
        let events = Fixture.events(actions)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.channel == nil && event.isDirect)
        #expect(translator.directRooms(with: Fixture.alice).map(\.roomID) == ["!dm:example.org"])
        #expect(translator.directRooms(with: Fixture.alice).map(\.usable) == [true])
        #expect(translator.directRooms(with: Fixture.bob).isEmpty)
    }

    @Test func malformedEventsAreSkipped() throws {
        let json = """
            {"next_batch": "s9", "rooms": {"join": {"!room:example.org": {"timeline": {"events": [
              {"type": "m.room.message", "event_id": "$bad", "content": {"body": "no sender"}},
              {"type": "m.room.message", "event_id": "$odd", "sender": "@alice:example.org", "content": {"msgtype": "m.text", "body": 42}},
              {"type": "m.room.message", "event_id": "$good", "sender": "@alice:example.org", "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "fine"}}
            ]}}}}}
            """
        let batch = try JSONDecoder().decode(SyncResponse.self, from: Data(json.utf8))
        #expect(batch.decodingFailures.count == 1)
        var translator = Fixture.translator()
        let events = Fixture.events(translator.process(batch, initial: false))
        #expect(events.map(\.id) == [MessageID("$good")])
        #expect(translator.skippedLastBatch.count == 1)
    }

    @Test func emptySyncDecodes() throws {
        let batch = try JSONDecoder().decode(SyncResponse.self, from: Data(#"{"next_batch":"s1"}"#.utf8))
        #expect(batch.nextBatch == "s1" && batch.rooms.join.isEmpty)
    }
}
