import Foundation
import RapportCore

/// A tiny plugin for integration tests: `!ping`, `!echo <text>` (with `\r`, `\n`, `\0`
/// escapes decoded, as if the text came from a user through another channel), `!long <n>`,
/// and `!whoami`. Every event it sees is recorded by network.
struct EchoTestPlugin: BuiltInPlugin {
    static let descriptor = PluginDescriptor(
        id: "echotest", summary: "Test commands.",
        commands: [
            .init("ping", help: "pong"), .init("echo", help: "echo"), .init("long", help: "long"),
            .init("whoami", help: "identity"),
        ])

    init(context: PluginContext) async throws {}

    func handle(_ event: ChatEvent, context: PluginContext) async throws {
        await EventLog.shared.record(event)
    }

    func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        await EventLog.shared.record(command.event)
        switch command.name {
        case "ping": try await context.reply(to: command, "pong")
        case "echo":
            let text = command.argumentText.replacingOccurrences(of: "\\r", with: "\r")
                .replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\0", with: "\0")
            try await context.reply(to: command, text)
        case "long":
            let n = Int(command.arguments.first ?? "") ?? 300
            try await context.reply(to: command, (1...n).map { "w\($0)" }.joined(separator: " "))
        case "whoami": try await context.reply(to: command, command.sender.identity?.rawValue ?? "anonymous")
        default: break
        }
    }
}

/// Events seen by ``EchoTestPlugin``, shared by all tests (each uses its own network name).
actor EventLog {
    static let shared = EventLog()
    private var events: [String: [ChatEvent]] = [:]

    func record(_ event: ChatEvent) { events[event.network, default: []].append(event) }

    func events(on network: String) -> [ChatEvent] { events[network] ?? [] }
}
