import Foundation
import RapportCore
import RapportPluginHost
import RapportTesting
import Testing

/// The Python example plugin, through the real host: handshake, commands, store, settings, events.
@Suite(.timeLimit(.minutes(5)))
struct ExamplePluginTests {
    @Test func answersItsCommands() async throws {
        let chat = try await Fixtures.chat([Fixtures.example()])
        #expect(try await chat.say("!echo hello there", as: "alice") == ["hello there"])
        #expect(try await chat.say("!echo", as: "alice") == ["Usage: echo TEXT"])
        let roll = try await chat.say("!roll 2d6", as: "alice")
        #expect(roll.count == 1)
        #expect(roll.first?.hasPrefix("alice rolled 2d6: ") == true)
        #expect(try await chat.say("!roll 5000d6", as: "alice") == ["Usage: roll NdM, for example roll 2d6"])
        #expect(try await chat.say("!roll 30d6", as: "alice") == ["Roll between 1 and 20 dice with at least 2 sides."])
        await chat.stop()
    }

    @Test func keepsItsCounterInTheStoreAndSeesMessages() async throws {
        let chat = try await Fixtures.chat([Fixtures.example()])
        try await chat.say("just chatting", as: "bob")
        #expect(try await chat.say("!count", as: "alice") == ["Counted 1 time here (1 messages seen since I started)."])
        #expect(try await chat.say("!count", as: "alice") == ["Counted 2 times here (1 messages seen since I started)."])
        #expect(try await chat.say("!count", as: "alice", in: "#other") == ["Counted 1 time here (1 messages seen since I started)."])
        let stored = try await chat.store.value(forKey: "count/test/#test", in: "echo")
        #expect(stored == "2")
        await chat.stop()
    }

    @Test func itsSettingsAreValidatedAndReachThePlugin() async throws {
        let chat = try await Fixtures.chat([Fixtures.example()])
        #expect(try await chat.say("!config set echo.max_dice 500", as: "root", account: "root") == ["max_dice must be at most 100."])
        #expect(try await chat.say("!config set echo.max_dice 50", as: "root", account: "root") == ["echo.max_dice = 50 everywhere."])
        #expect(try await chat.say("!roll 30d6", as: "alice").first?.hasPrefix("alice rolled 30d6") == true)
        await chat.stop()
    }

    @Test func helpAndPluginInfoShowItsManifest() async throws {
        let chat = try await Fixtures.chat([Fixtures.example()])
        #expect(try await chat.say("!help roll", as: "alice") == ["!roll NdM — Roll N dice with M sides, e.g. roll 2d6."])
        #expect(try await chat.say("!plugins", as: "alice") == ["Plugins: core (on), admin (on), echo (on)"])
        await chat.stop()
    }

    @Test func reloadRunsTheNewCode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("plugin.py").path
        let original = try String(contentsOfFile: Fixtures.examplePlugin, encoding: .utf8)
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let chat = try await Fixtures.chat([Fixtures.example(path: path)])
        #expect(try await chat.say("!plugin info echo", as: "alice").first?.hasPrefix("echo 1.0.0:") == true)
        let changed = original.replacingOccurrences(of: "\"version\": \"1.0.0\"", with: "\"version\": \"1.1.0\"")
            .replacingOccurrences(of: "self.reply(request_id, text)", with: "self.reply(request_id, text.upper())")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await chat.say("!plugin reload echo", as: "root", account: "root") == ["echo reloaded."])
        #expect(try await chat.say("!echo hi", as: "alice") == ["HI"])
        #expect(try await chat.say("!plugin info echo", as: "alice").first?.hasPrefix("echo 1.1.0:") == true)
        await chat.stop()
    }

    @Test("the Python example's own unittest passes")
    func pythonUnitTest() async throws {
        let result = try await runProgram(
            "/usr/bin/env", ["python3", "-m", "unittest", "-q", "test_plugin"],
            directory: URL(fileURLWithPath: Fixtures.examplePlugin).deletingLastPathComponent().path, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.output)\(result.errors)")
    }
}
