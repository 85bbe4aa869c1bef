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
