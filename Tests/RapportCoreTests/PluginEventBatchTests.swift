import RapportCore
import RapportTesting
import Synchronization
import Testing

/// Events queued for a plugin that takes them in batches share one transaction, each in a
/// savepoint of its own.
struct PluginEventBatchTests {
    struct Boom: Error {}

    /// Writes every message's text; fails on "boom" after writing; holds "hold" until released.
    struct Recorder: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "recorder", summary: "Writes down every message.")
        static let released = Atomic<Bool>(false)
        let lines: RecorderLines
        var eventBatchSize: Int { 8 }

        init(context: PluginContext) async throws { lines = try await RecorderLines(context) }

        func handle(_ event: ChatEvent, context: PluginContext) async throws {
            let text = try await lines.write(event)
            while text == "hold", !Self.released.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
            if text == "boom" { throw Boom() }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailingHandlerTakesBackOnlyItsOwnWritesWithinABatch() async throws {
        let chat = try await PluginHarness([PluginRegistration(Recorder.self)])
        func message(_ text: String) -> ChatEvent {
            ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice"), kind: .message(ChatMessage(text)))
        }
        // "hold" keeps the plugin busy while the next three queue up behind it.
        for text in ["hold", "a", "boom", "b"] { await chat.bot.receive(message(text)) }
        Recorder.released.store(true, ordering: .releasing)
        await chat.bot.settle()
        let lines = try await chat.store.query("SELECT text FROM recorder_line ORDER BY rowid").map { $0["text"].string }
        #expect(lines == ["hold", "a", "b"])
        // The plugin goes on after the failure.
        await chat.bot.receive(message("c"))
        await chat.bot.settle()
        #expect(try await RecorderLines.count(chat.store) == 4)
    }
}
