import CorePlugin
import RapportCore
import RapportTesting
import Testing

struct CorePluginTests {
    func chat() async throws -> PluginHarness {
        try await PluginHarness([PluginRegistration(CorePlugin.self)])
    }

    @Test func pingAnswersPong() async throws {
        #expect(try await chat().say("!ping", as: "alice") == ["pong"])
    }

    @Test func helpListsCommandsAndExplainsOne() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!help", as: "alice") == ["Commands: help, ping, version, plugins. Say !help <command> for details."])
        #expect(try await chat.say("!help ping", as: "alice") == ["!ping — Check that the bot is alive; it answers pong."])
        #expect(try await chat.say("rapport: help !version", as: "alice") == ["!version — Show which version of Rapport is running."])
        #expect(try await chat.say("!help core", as: "alice").first?.hasPrefix("core: Help, ping") == true)
        #expect(try await chat.say("!help nosuch", as: "alice") == ["There is no command or plugin called 'nosuch'. Say !help for the list."])
    }

    @Test func versionAndPlugins() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!version", as: "alice") == ["Rapport \(RapportVersion.current)"])
        #expect(try await chat.say("!plugins", as: "alice") == ["Plugins: core (on)"])
    }

    @Test func unknownCommandGetsOneShortHintNotSpam() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!frobnicate", as: "alice") == [])
        #expect(try await chat.say("rapport: frobnicate", as: "bob") == ["I don't know the command 'frobnicate'. Try help for the list."])
        #expect(try await chat.say("rapport: frobnicate", as: "bob") == [])
        #expect(try await chat.say("frobnicate", as: "carol", in: nil) == ["I don't know the command 'frobnicate'. Try help for the list."])
    }

    @Test func commandsInDirectMessagesNeedNoPrefix() async throws {
        let chat = try await chat()
        #expect(try await chat.say("ping", as: "alice", in: nil) == ["pong"])
        let sent = try await chat.send(.init(network: "test", channel: nil, sender: PluginHarness.user("alice"), kind: .message(.init("ping"))))
        #expect(sent.first?.target == .user(address: "alice"))
    }

    @Test func botsHistoryAndNoticesAreNeverAnswered() async throws {
        let chat = try await chat()
        let bot = ChatUser(nick: "otherbot", isBot: true)
        #expect(try await chat.send(.init(network: "test", channel: "#test", sender: bot, kind: .message(.init("!ping")))).isEmpty)
        #expect(try await chat.send(.init(network: "test", channel: "#test", sender: PluginHarness.user("a"), kind: .message(.init("!ping")), isHistory: true)).isEmpty)
        #expect(try await chat.send(.init(network: "test", channel: "#test", sender: PluginHarness.user("a"), kind: .notice(.init("!ping")))).isEmpty)
    }

    @Test func perUserRateLimitStopsFloods() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(CorePlugin.self)], configuration: BotConfiguration(commandBurst: 3, commandsPerSecond: 0.01))
        var replies: [String] = []
        for _ in 0..<6 { replies += try await chat.say("!ping", as: "flooder") }
        #expect(replies == ["pong", "pong", "pong", "You're sending commands too fast; try again in a few seconds."])
        #expect(try await chat.say("!ping", as: "someone-else") == ["pong"])
    }

    @Test func prefixIsASettingPerChannel() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(CorePlugin.self)], configuration: BotConfiguration(plugins: ["core": .init(values: ["prefix": .string(".")])]))
        #expect(try await chat.say(".ping", as: "alice") == ["pong"])
        #expect(try await chat.say("!ping", as: "alice") == [])
    }
}
