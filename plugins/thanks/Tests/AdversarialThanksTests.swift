import Foundation
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import RapportCore
@testable import ThanksPlugin

/// Attacks on the thanks plugin's per-channel state and on the weekly digest's delivery.
struct AdversarialThanksTests {
    let time = ManualTime()
    static let boss = Identity.irc(network: "test", account: "boss")

    func chat(store: any Store) async throws -> PluginHarness {
        try await PluginHarness([PluginRegistration(ThanksPlugin.self)], configuration: BotConfiguration(owners: [Self.boss]), store: store, time: time)
    }

    func say(_ chat: PluginHarness, _ text: String, as user: ChatUser) async throws -> [OutgoingMessage] {
        try await chat.send(ChatEvent(network: "test", channel: "#test", sender: user, time: time.now, kind: .message(.init(text))))
    }

    @Test("thousands of invites leave no engine state, and a channel's state goes when the bot is kicked")
    func invitesLeaveNoEngineState() async throws {
        let chat = try await chat(store: try SQLiteStore())
        let plugin = try #require(await chat.bot.runners["thanks"]?.plugin as? ThanksPlugin)
        _ = try await say(chat, "how do I list usb devices?", as: PluginHarness.user("alice"))
        await chat.bot.receive((0..<5_000).map {
            ChatEvent(network: "test", channel: "!room\($0):evil.example", sender: PluginHarness.user("mallory"), kind: .invite)
        })
        await chat.bot.settle()
        #expect(plugin.engines.channelCount == 1)
        _ = try await chat.send(ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("op"), kind: .kick(target: "rapport", reason: nil)))
        #expect(plugin.engines.channelCount == 0)
        await chat.stop()
    }

    @Test("a digest due on a network this instance does not serve stays unclaimed, and goes out once it does")
    func digestWaitsForTheServingInstance() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        let boss = PluginHarness.user("boss", account: "boss")
        _ = try await say(chat, "!helpers digest on", as: boss)
        let due = try await store.query("SELECT due_at FROM thanks_digest").first?["due_at"].double
        await chat.connector.setStatus(.standby)
        #expect(try await chat.advance(time, by: .seconds(4 * 86400)).isEmpty)
        #expect(try await store.query("SELECT due_at FROM thanks_digest").first?["due_at"].double == due)
        await chat.connector.setStatus(.connected)
        let digest = try await chat.advance(time, by: .seconds(3600))
        #expect(!digest.isEmpty && digest.allSatisfy { $0.target == .user(address: "boss") })
        await chat.stop()
    }

    @Test("a digest goes to the nick its admin's identity holds now, never to whoever took the old nick")
    func digestFollowsTheIdentityNotTheNick() async throws {
        let chat = try await chat(store: try SQLiteStore())
        let boss = PluginHarness.user("boss", account: "boss")
        _ = try await say(chat, "!helpers digest on", as: boss)
        // boss goes away under another nick; mallory, not logged in, takes "boss" and speaks.
        _ = try await chat.send(ChatEvent(network: "test", channel: nil, sender: boss, time: time.now, kind: .nickChange(newNick: "boss_away")))
        _ = try await say(chat, "hello, I am boss now", as: PluginHarness.user("boss"))
        let digest = try await chat.advance(time, by: .seconds(4 * 86400))
        #expect(!digest.isEmpty)
        #expect(digest.allSatisfy { $0.target == .user(address: "boss_away") })
        await chat.stop()
    }

    @Test("a digest whose admin quit and whose nick another person took is not sent to that person")
    func digestIsNotSentToANickTaker() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        _ = try await say(chat, "!helpers digest on", as: PluginHarness.user("boss", account: "boss"))
        _ = try await chat.send(ChatEvent(network: "test", channel: nil, sender: PluginHarness.user("boss", account: "boss"), time: time.now, kind: .quit(reason: nil)))
        _ = try await say(chat, "hi all", as: PluginHarness.user("boss"))
        #expect(try await chat.advance(time, by: .seconds(4 * 86400)).isEmpty)
        // It waits, unclaimed, for boss to come back.
        _ = try await say(chat, "morning", as: PluginHarness.user("boss", account: "boss"))
        #expect(try await chat.advance(time, by: .seconds(3600)).count == 4)
        await chat.stop()
    }
}
