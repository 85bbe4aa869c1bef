import RapportCore
import RapportTesting
import Testing

/// Every plugin, built-in too, has its own allowance of messages.
struct PluginOutputLimitTests {
    struct Chatty: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "chatty", summary: "Talks too much.", commands: [.init("talk", help: "Say 30 lines.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            for i in 0..<30 {
                try? await context.send(OutgoingMessage(to: .channel("#test"), text: "line \(i)"), on: command.network)
            }
            try await context.reply(to: command, "done")
        }
    }

    struct Quiet: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "quiet", summary: "Answers.", commands: [.init("hi", help: "Hi.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            try await context.reply(to: command, "hello")
        }
    }

    @Test func aPluginOverItsLimitIsCutOffAndOthersAreNot() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(Chatty.self), PluginRegistration(Quiet.self)],
            configuration: BotConfiguration(pluginOutputBurst: 10, pluginOutputPerSecond: 0.01))
        let said = try await chat.say("!talk", as: "alice")
        #expect(said == (0..<10).map { "line \($0)" })
        #expect(try await chat.say("!hi", as: "alice") == ["hello"])
    }
}
