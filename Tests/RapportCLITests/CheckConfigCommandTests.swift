import ArgumentParser
import Foundation
import Testing

@testable import RapportCLI

/// `rapport check-config` as an admin uses it: exit 0 for a good file, non-zero naming the problem.
struct CheckConfigCommandTests {
    func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try Rapport.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return Rapport.exitCode(for: error).rawValue
        }
    }

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theExampleConfigurationIsValid() async throws {
        // The example keeps its secrets in the environment, as a real installation should.
        setenv("RAPPORT_IRC_PASSWORD", "irc-pw", 1)
        setenv("RAPPORT_MATRIX_PASSWORD", "matrix-pw", 1)
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/rapport.example.yaml").path
        #expect(await run(["check-config", example]) == 0)
    }

    @Test func wrongTypesUnknownKeysAndMissingFilesFail() async throws {
        #expect(await run(["check-config", try file("bot: { command_burst: many }")]) != 0)
        #expect(await run(["check-config", try file("bot: { nickname: x }")]) != 0)
        #expect(await run(["check-config", "/no/such/file.yaml"]) != 0)
        #expect(await run(["check-config", try file("bot: { nick: ok }")]) == 0)
    }
}
