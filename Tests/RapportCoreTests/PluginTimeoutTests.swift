import RapportCore
import RapportTesting
import Testing

/// Work that runs past the plugin timeout is cancelled; the plugin goes on serving.
struct PluginTimeoutTests {
    struct Sleepy: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "sleepy", summary: "Sometimes takes forever.", commands: [.init("nap", help: "Sleep an hour."), .init("hi", help: "Hi.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            if command.name == "nap" { try await Task.sleep(for: .seconds(3600)) }
            try await context.reply(to: command, "hello")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aCommandPastTheTimeoutIsCancelledAndTheNextOneIsServed() async throws {
        var configuration = BotConfiguration()
        configuration.pluginTimeout = .milliseconds(300)
        let chat = try await PluginHarness([PluginRegistration(Sleepy.self)], configuration: configuration)
        let started = ContinuousClock.now
        #expect(try await chat.say("!nap", as: "alice") == ["Sorry, something went wrong with that command."])
        #expect(ContinuousClock.now - started < .seconds(30), "cancelled, not slept out")
        #expect(try await chat.say("!hi", as: "alice") == ["hello"])
    }
}
