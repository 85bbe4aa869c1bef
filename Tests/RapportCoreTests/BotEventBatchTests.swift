import RapportCore
import RapportTesting
import Synchronization
import Testing

/// What a connector hands over in one call is dispatched in order: events and commands reach a
/// plugin as they happened.
struct BotEventBatchTests {
    /// Counts the messages it has seen; `!count` answers with the count so far.
    final class Counter: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "counter", summary: "Counts messages.", commands: [.init("count", help: "Say how many messages came before.")])
        let seen = Mutex<[String]>([])

        required init(context: PluginContext) async throws {}

        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            guard case .message(let message) = event.kind else { return }
            seen.withLock { $0.append(message.text) }
        }

        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            let seen = seen.withLock { $0 }
            try await context.reply(to: command, seen.joined(separator: " "))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func eventsAndACommandHandedOverTogetherReachThePluginInOrder() async throws {
        let chat = try await PluginHarness([PluginRegistration(Counter.self)])
        let events = ["a", "b", "!count", "c", "!count"].map { text in
            ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice"), kind: .message(ChatMessage(text)))
        }
        await chat.bot.receive(events)
        await chat.bot.settle()
        #expect(await chat.connector.takeSent().map(\.text) == ["a b", "a b c"])
    }

    /// Counts events; holds the first one (and so the queue) until released.
    final class Holder: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "holder", summary: "Counts messages, slowly at first.")
        static let handled = Atomic<Int>(0)
        static let released = Atomic<Bool>(false)

        required init(context: PluginContext) async throws {}

        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            while !Self.released.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
            Self.handled.add(1, ordering: .relaxed)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHandOverLargerThanTheQueueLimitQueuesUpToTheLimitAndDropsTheRest() async throws {
        let chat = try await PluginHarness([PluginRegistration(Holder.self)])
        func message(_ text: String) -> ChatEvent {
            ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice"), kind: .message(ChatMessage(text)))
        }
        await chat.bot.receive([message("first")])
        // The plugin is busy with the first event: 1,999 more fit (2,000 queued or running).
        await chat.bot.receive((0..<2500).map { message("m\($0)") })
        Holder.released.store(true, ordering: .releasing)
        await chat.bot.settle()
        #expect(Holder.handled.load(ordering: .relaxed) == 2000)
        // Room again once the queue has drained.
        await chat.bot.receive([message("later")])
        await chat.bot.settle()
        #expect(Holder.handled.load(ordering: .relaxed) == 2001)
    }
}
