import Foundation
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import NudgesPlugin
@testable import RapportCore

/// Invites and leaves, as someone trying to make the bot keep state for channels it is not in.
struct AdversarialNudgesTests {
    @Test("thousands of invites leave no tracker state, and a channel's state goes when the bot leaves it")
    func invitesLeaveNoTrackerState() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self)], configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]))
        let plugin = try #require(await chat.bot.runners["nudges"]?.plugin as? NudgesPlugin)
        try await chat.say("how do I list usb devices?", as: "alice")
        await chat.bot.receive((0..<5_000).map {
            ChatEvent(network: "test", channel: "#invite\($0)", sender: PluginHarness.user("mallory\($0)"), kind: .invite)
        })
        await chat.bot.settle()
        #expect(plugin.state.channelCount == 1)
        _ = try await chat.send(ChatEvent(network: "test", channel: "#test", sender: ChatUser(nick: "rapport"), kind: .part(reason: nil), isOwn: true))
        #expect(plugin.state.channelCount == 0)
        await chat.stop()
    }
}

/// Someone who takes the nick of a person who owes a reminder, to be sent it (and its excerpt).
struct AdversarialNudgeDeliveryTests {
    let time = ManualTime()

    @Test("a reminder recorded for a logged-in person is not sent to someone who took their nick without an account")
    func aReminderIsNotSentToANickTaker() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self)], configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]), time: time)
        await chat.connector.setOnline(["alice", "bob"])
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", account: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "bob", at: time.now)
        try await chat.advance(time, by: .seconds(120))
        // alice leaves; mallory takes the nick, not logged in, and speaks.
        try await chat.say("anyone here using kde plasma?", as: "alice", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        // alice is back, logged in: the reminder is hers.
        try await chat.say("back again", as: "alice", account: "alice", at: time.now)
        let sent = try await chat.advance(time, by: .seconds(3600))
        #expect(sent.count == 1 && sent.first?.text.contains("sudo apt install ntfs-3g") == true)
        await chat.stop()
    }
}

/// A homeserver that takes a reminder into the bot's queue but then refuses it: the reminder
/// must not count as sent (nor for the rate limits), and goes out on a later try.
struct AdversarialNudgeUndeliveredTests {
    let time = ManualTime()

    struct Refused: Error {}

    @Test("a reminder the network refuses after it was queued is not marked sent, and goes out on a later try")
    func refusedReminderIsRetried() async throws {
        let store = try SQLiteStore()
        let chat = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self)], configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]),
            store: store, time: time)
        await chat.connector.setOnline(["alice", "bob"])
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "bob", at: time.now)
        try await chat.advance(time, by: .seconds(120))
        try await chat.say("anyone here using kde plasma?", as: "alice", at: time.now)
        await chat.connector.setDeliveryFailure(Refused())
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        let refused = try await store.query("SELECT state, reason, attempts FROM nudges_nudge", [])
        #expect(refused.map { [$0["state"], $0["reason"], $0["attempts"]] } == [[.text("pending"), .text("delivery failed"), .integer(1)]])
        await chat.connector.setDeliveryFailure(nil)
        let sent = try await chat.advance(time, by: .seconds(3600))
        #expect(sent.count == 1 && sent.first?.text.contains("sudo apt install ntfs-3g") == true)
        #expect(try await store.query("SELECT state FROM nudges_nudge", []).map { $0["state"] } == [.text("sent")])
        await chat.stop()
    }
}
