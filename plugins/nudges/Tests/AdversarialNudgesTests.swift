import Foundation
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
