import RapportCore
import RapportTesting
import Testing

/// Floods that try to make the bot talk more than its limits allow.
struct AdversarialOutputLimitTests {
    /// An admin-only command, refused to everyone else, and a command with a 50-line answer.
    struct Guarded: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "guarded", summary: "Keeps secrets and talks at length.",
            commands: [.init("secret", help: "Admins only.", requires: .admin), .init("essay", help: "Fifty lines."), .init("hi", help: "Hi.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            switch command.name {
            case "essay": try await context.reply(to: command, (1...50).map { "line \($0)" }.joined(separator: "\n"))
            default: try await context.reply(to: command, "hello")
            }
        }
    }

    @Test("one person's flood of refused commands gets at most the per-person limit of answers, plus one hint")
    func refusedCommandFloodIsLimited() async throws {
        let chat = try await PluginHarness([PluginRegistration(Guarded.self)], configuration: BotConfiguration(commandBurst: 5, commandsPerSecond: 0.01))
        var answers: [String] = []
        for _ in 0..<50 { answers += try await chat.say("!secret", as: "mallory") }
        #expect(answers.count == 6)
        #expect(answers.last == "You're sending commands too fast; try again in a few seconds.")
    }

    @Test("refusals to many people pass the runtime's own output limit")
    func refusalsShareAnOutputLimit() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(Guarded.self)], configuration: BotConfiguration(pluginOutputBurst: 10, pluginOutputPerSecond: 0.01))
        var answers: [String] = []
        for sock in 0..<50 { answers += try await chat.say("!secret", as: "sock\(sock)") }
        #expect(answers.count == 10)
    }

    @Test("a 50-line reply costs 50 tokens of the plugin's output limit")
    func multiLineReplyCostsEveryLine() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(Guarded.self)], configuration: BotConfiguration(pluginOutputBurst: 20, pluginOutputPerSecond: 0.01))
        #expect(try await chat.say("!essay", as: "alice").first?.split(separator: "\n").count == 50)
        #expect(try await chat.say("!hi", as: "bob").isEmpty)
    }
}
