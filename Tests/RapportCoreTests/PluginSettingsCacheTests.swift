import RapportCore
import RapportTesting
import Synchronization
import Testing

/// A plugin reads its settings without a hop into the runtime once they are known
/// (`Bot.knownSettings`), and a change takes effect for the very next event.
struct PluginSettingsCacheTests {
    /// What the plugin saw, and its door to the runtime's administration.
    final class Seen: Sendable {
        let greetings = Mutex<[String]>([])
        let administration = Mutex<Administration?>(nil)
    }

    /// Writes down its `greeting` setting for every message in the channel.
    struct Greeter: BuiltInPlugin {
        static let seen = Seen()
        static var descriptor: PluginDescriptor {
            PluginDescriptor(
                id: "greeter", summary: "Notes its greeting for every message.",
                settings: [SettingSpec("greeting", .string, default: .string("hi"), help: "What to say.")])
        }

        init(context: PluginContext) async throws {
            Self.seen.administration.withLock { $0 = context.administration }
        }

        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            let greeting = await context.settings(network: event.network, channel: event.channel).string("greeting")
            Self.seen.greetings.withLock { $0.append(greeting) }
        }
    }

    static func message() -> ChatEvent {
        ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice"), kind: .message(ChatMessage("hello all")))
    }

    @Test func aChangedSettingReachesThePluginWithTheNextEvent() async throws {
        let chat = try await PluginHarness([PluginRegistration(Greeter.self)])
        await chat.bot.receive([Self.message(), Self.message()])
        await chat.bot.settle()
        let administration = try #require(Greeter.seen.administration.withLock { $0 })
        let root = AdminActor(user: PluginHarness.user("root"), role: .owner, network: "test", channel: nil, origin: .chat)
        _ = try await administration.set(
            "greeter", "greeting", to: "welcome", in: .channel(network: "test", channel: "#test"), by: root)
        await chat.bot.receive([Self.message()])
        await chat.bot.settle()
        try await administration.unset("greeter", "greeting", in: .channel(network: "test", channel: "#test"), by: root)
        await chat.bot.receive([Self.message()])
        await chat.bot.settle()
        #expect(Greeter.seen.greetings.withLock { $0 } == ["hi", "hi", "welcome", "hi"])
        await chat.stop()
    }
}
