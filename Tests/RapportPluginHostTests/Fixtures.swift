import Foundation
import Logging
import RapportCore
import RapportPluginHost
import RapportTesting
import CorePlugin
import AdminPlugin

/// Paths and plugin configurations shared by the tests.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = folder.deletingLastPathComponent().deletingLastPathComponent()
    static let examplePlugin = repository.appendingPathComponent("plugins/examples/echo-python/plugin.py").path
    static let owner = Identity.irc(network: "test", account: "root")

    static func example(id: String = "echo", path: String = examplePlugin) -> ExternalPluginConfiguration {
        ExternalPluginConfiguration(id: id, command: ["python3", path], restartDelay: 0.05)
    }

    static func misbehaving(
        _ mode: String, id: String = "bad", state: String? = nil, timeout: Double? = nil, maxRestarts: Int? = nil, lineRate: Int? = nil
    ) -> ExternalPluginConfiguration {
        ExternalPluginConfiguration(
            id: id, command: ["python3", folder.appendingPathComponent("Fixtures/misbehaving.py").path, mode] + (state.map { [$0] } ?? []),
            timeout: timeout, maxRestarts: maxRestarts, restartDelay: 0.05, maxLinesPerSecond: lineRate)
    }

    /// A bot with the core and admin plugins and the given external plugins; `root` is its owner.
    static func chat(
        _ external: [ExternalPluginConfiguration], configuration: BotConfiguration = BotConfiguration(owners: [owner], commandBurst: 1000, commandsPerSecond: 100)
    ) async throws -> PluginHarness {
        let registrations = await ExternalPlugin.registrations(external, logger: .init(label: "test"))
        return try await PluginHarness(
            [PluginRegistration(CorePlugin.self), PluginRegistration(AdminPlugin.self)] + registrations,
            configuration: configuration)
    }

    /// Repeats `body` until it returns true or `seconds` have passed.
    static func eventually(within seconds: Double = 10, _ body: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await body() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
