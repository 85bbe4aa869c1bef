import Foundation
import RapportTesting
import Synchronization
import Testing

@testable import RapportCore

/// Floods meant to exhaust the runtime's per-person and per-channel state, or to reset someone's
/// limits by pushing them out of it.
struct AdversarialFloodTests {
    /// Answers `!echo` and notes every event it is handed.
    struct Echo: BuiltInPlugin {
        static var descriptor: PluginDescriptor {
            PluginDescriptor(id: "echo", summary: "Echoes.", commands: [.init("echo", help: "Echo.")])
        }

        init(context: PluginContext) async throws {}

        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            try await context.reply(to: command, "echo")
        }

        func handle(_ event: ChatEvent, context: PluginContext) async throws {}
    }

    static func command(_ text: String, from nick: String, at time: Date) -> ChatEvent {
        ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user(nick), time: time, kind: .message(ChatMessage(text)))
    }

    /// 50,000 names, in batches as a connector hands them over.
    static func flood(_ chat: PluginHarness, _ text: String, at time: Date) async {
        for batch in stride(from: 0, to: 50_000, by: 500) {
            await chat.bot.receive((batch..<batch + 500).map { command(text, from: "flood\($0)", at: time) })
        }
    }

    @Test("a flood of new names cannot reset a victim's command limit, and the buckets stay bounded")
    func commandBucketsSurviveAFlood() async throws {
        let time = ManualTime()
        // The plugin's own output limit stays out of the way: only the command limit is tested.
        let configuration = BotConfiguration(pluginOutputBurst: 1_000_000)
        let chat = try await PluginHarness([PluginRegistration(Echo.self)], configuration: configuration, time: time)
        // The victim (here the one whose limit matters: a spammer's main nick) uses up the burst.
        for _ in 0..<5 { #expect(try await chat.say("!echo", as: "mallory", at: time.now) == ["echo"]) }
        #expect(try await chat.say("!echo", as: "mallory", at: time.now) == ["You're sending commands too fast; try again in a few seconds."])
        await Self.flood(chat, "!echo", at: time.now)
        await chat.bot.settle()
        _ = await chat.connector.takeSent()
        #expect(await chat.bot.commandBuckets.count <= Bot.peopleTracked)
        // Still limited: the hint was given already, so nothing at all comes back.
        #expect(try await chat.say("!echo", as: "mallory", at: time.now) == [])
        // Once the buckets are full again they leave, and newcomers are served.
        time.advance(by: .seconds(11))
        #expect(try await chat.say("!echo", as: "newcomer", at: time.now) == ["echo"])
        await chat.stop()
    }

    @Test("a flood of new names keeps the hint table bounded, and a victim's hint is not given again")
    func hintsSurviveAFlood() async throws {
        let time = ManualTime()
        let chat = try await PluginHarness([PluginRegistration(Echo.self)], time: time)
        #expect(try await chat.say("rapport: nosuch", as: "alice", at: time.now).count == 1)
        let clock = ContinuousClock.now
        await Self.flood(chat, "rapport: nosuch", at: time.now)
        await chat.bot.settle()
        // Constant time per insert: the whole flood stays far under this bound.
        #expect(ContinuousClock.now - clock < .seconds(60))
        _ = await chat.connector.takeSent()
        #expect(await chat.bot.hintsGiven.count <= Bot.peopleTracked)
        #expect(try await chat.say("rapport: nosuch", as: "alice", at: time.now) == [])
        time.advance(by: .seconds(301))
        #expect(try await chat.say("rapport: nosuch", as: "alice", at: time.now).count == 1)
        await chat.stop()
    }

    @Test("thousands of invites to channels the bot is not in leave no answers kept for them")
    func invitesLeaveNoState() async throws {
        let chat = try await PluginHarness([PluginRegistration(Echo.self)])
        try await chat.say("hello", as: "alice")
        let before = chat.bot.answers.withLock { $0.count }
        let invites = (0..<5_000).map {
            ChatEvent(network: "test", channel: "#invite\($0)", sender: PluginHarness.user("mallory"), kind: .invite)
        }
        await chat.bot.receive(invites)
        await chat.bot.settle()
        #expect(chat.bot.answers.withLock { $0.count } == before)
        await chat.stop()
    }

    @Test("the answers kept for a channel go when the bot parts or is kicked")
    func leavingDropsTheChannelsAnswers() async throws {
        let chat = try await PluginHarness([PluginRegistration(Echo.self)])
        let bot = ChatUser(nick: "rapport")
        try await chat.say("hello", as: "alice", in: "#one")
        try await chat.say("hello", as: "alice", in: "#two")
        func kept(_ channel: String) -> Int {
            chat.bot.answers.withLock { answers in answers.enabled.keys.filter { $0.channel == channel }.count }
        }
        #expect(kept("#one") > 0 && kept("#two") > 0)
        _ = try await chat.send(ChatEvent(network: "test", channel: "#one", sender: bot, kind: .part(reason: nil), isOwn: true))
        _ = try await chat.send(ChatEvent(network: "test", channel: "#TWO", sender: PluginHarness.user("op"), kind: .kick(target: "Rapport", reason: nil)))
        #expect(kept("#one") == 0 && kept("#two") == 0)
        await chat.stop()
    }
}
