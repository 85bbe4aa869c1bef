import Foundation
import RapportApp
import RapportConsole
import Synchronization
import Testing

/// The console as a person uses it: lines in, answers out, state kept in the configured store.
struct ConsoleTests {
    final class Transcript: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func chat(_ input: [String], config: String?, user: String = "you") async throws -> [String] {
        let transcript = Transcript()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        input.forEach { continuation.yield($0) }
        continuation.finish()
        try await RapportApplication.console(configurationPath: config, user: user, lines: stream, output: transcript.append)
        return transcript.all
    }

    func temporaryConfig(_ body: String) throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("rapport.yaml").path
        try "storage: { sqlite: \(folder.path)/rapport.sqlite }\n\(body)".write(toFile: path, atomically: true, encoding: .utf8)
        return (path, folder)
    }

    @Test func pipedLinesAreAnsweredInOrder() async throws {
        let (config, folder) = try temporaryConfig("")
        defer { try? FileManager.default.removeItem(at: folder) }
        let answers = try await chat(["!ping", "hello everyone", "!version", "/msg ping", "/quit", "!ping"], config: config)
        #expect(answers == ["<rapport> pong", "<rapport> Rapport 0.1.0", "*rapport* pong"])
    }

    @Test func adminCommandsFromANonOwnerAreRefused() async throws {
        let (config, folder) = try temporaryConfig("bot: { owners: ['console:root'] }")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await chat(["!plugin disable core"], config: config, user: "mallory") == ["<rapport> You need to be a bot admin for that."])
        // The console is a local simulation: /nick changes who speaks, identity included.
        #expect(try await chat(["/nick root", "!plugin enable core #elsewhere"], config: config, user: "mallory") == ["<rapport> core is now on in #elsewhere."])
        #expect(try await chat(["!plugin disable core #elsewhere"], config: config, user: "root") == ["<rapport> core is now off in #elsewhere."])
    }

    @Test func settingsChangedByChatSurviveARestart() async throws {
        let (config, folder) = try temporaryConfig("bot: { owners: ['console:root'] }")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await chat(["!config set core.prefix ?"], config: config, user: "root") == ["<rapport> core.prefix = ? everywhere."])
        #expect(try await chat(["!ping", "?ping"], config: config) == ["<rapport> pong"])
    }
}
