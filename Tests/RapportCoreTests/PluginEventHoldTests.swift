import Foundation
import RapportCore
import RapportTesting
import Testing

/// Events for a plugin with an ``Plugin/eventBatchDelay`` wait for a fuller batch, but never
/// longer than the delay, never behind a command, and never when someone waits for them.
struct PluginEventHoldTests {
    /// How a test's plugin batches.
    protocol Timing: Sendable {
        static var size: Int { get }
        static var delay: Duration { get }
    }
    enum LongDelay: Timing {
        static let size = 3
        static let delay = Duration.seconds(60)
    }
    enum ShortDelay: Timing {
        static let size = 8
        static let delay = Duration.seconds(2)
    }

    /// Writes down every message; `!count` says how many it has written.
    struct Recorder<T: Timing>: BuiltInPlugin {
        static var descriptor: PluginDescriptor {
            PluginDescriptor(
                id: "recorder", summary: "Writes down every message.", commands: [.init("count", help: "How many messages were written.")])
        }
        let lines: RecorderLines
        var eventBatchSize: Int { T.size }
        var eventBatchDelay: Duration { T.delay }

        init(context: PluginContext) async throws { lines = try await RecorderLines(context) }

        func handle(_ event: ChatEvent, context: PluginContext) async throws { try await lines.write(event) }

        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            try await context.reply(to: command, "\(try await RecorderLines.count(lines.store.database))")
        }
    }

    static func message(_ text: String) -> ChatEvent {
        ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice"), kind: .message(ChatMessage(text)))
    }

    /// Polls `condition` every 10 ms for up to `limit`; returns whether it came true.
    static func eventually(within limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }

    @Test(.timeLimit(.minutes(1)))
    func eventsWaitForAFullerBatchUntilTheDelayHasPassed() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder<ShortDelay>.self)])
        let start = ContinuousClock.now
        await chat.bot.receive([Self.message("a"), Self.message("b")])
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await RecorderLines.count(chat.store) == 0)
        #expect(try await Self.eventually { try await RecorderLines.count(chat.store) == 2 })
        #expect(ContinuousClock.now - start >= ShortDelay.delay - .milliseconds(50))
    }

    @Test(.timeLimit(.minutes(1)))
    func aFullBatchIsHandedOverAtOnce() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder<LongDelay>.self)])
        await chat.bot.receive([Self.message("a"), Self.message("b")])
        await chat.bot.receive(Self.message("c"))
        #expect(try await Self.eventually { try await RecorderLines.count(chat.store) == 3 })
    }

    @Test(.timeLimit(.minutes(1)))
    func aCommandIsNotHeldBackAndTheEventsBeforeItComeFirst() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder<LongDelay>.self)])
        await chat.bot.receive([Self.message("a"), Self.message("b"), Self.message("!count")])
        var replies: [String] = []
        #expect(await Self.eventually {
            replies += await chat.connector.takeSent().map(\.text)
            return !replies.isEmpty
        })
        #expect(replies == ["2"])
    }

    @Test(.timeLimit(.minutes(1)))
    func settlingHandsHeldEventsOverAtOnce() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder<LongDelay>.self)])
        await chat.bot.receive([Self.message("a"), Self.message("b")])
        await chat.bot.settle()
        #expect(try await RecorderLines.count(chat.store) == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func stoppingHandlesHeldEventsFirst() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder<LongDelay>.self)])
        await chat.bot.receive(Self.message("a"))
        await chat.stop()
        #expect(try await RecorderLines.count(chat.store) == 1)
    }
}
