import Foundation
import MetricsTestKit
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// One network refuses the bot for good (a refused login); the others must go on.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialConnectorFailureTests {
    /// A network whose login is refused: its run fails at once, as a refused SASL or Matrix login does.
    struct RefusedConnector: Connector {
        struct LoginRefused: Error {}
        let network = "refusing"
        func run(events: any EventSink) async throws { throw LoginRefused() }
        func send(_ message: OutgoingMessage) async throws { throw LoginRefused() }
        func join(_ channel: String) async throws {}
        func part(_ channel: String, reason: String?) async throws {}
        func isOnline(_ address: String) async -> Bool? { nil }
        func currentNick() -> String { "rapport" }
        func casemapping() -> Casemapping { .rfc1459 }
        func status() async -> ConnectorStatus { .connecting }
    }

    /// Answers `!hi` with `hello`.
    struct Greeter: BuiltInPlugin {
        static let descriptor = PluginDescriptor(id: "greeter", summary: "Greets.", commands: [.init("hi", help: "Hi.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            try await context.reply(to: command, "hello")
        }
    }

    @Test("a connector that fails for good is reported failed while the other network keeps being served")
    func oneNetworkFailsTheOtherGoesOn() async throws {
        let working = RecordingConnector(network: "working")
        let metrics = TestMetrics()
        let plugins = [PluginRegistration(Greeter.self)]
        let bot = Bot(
            configuration: try BotConfiguration().validated(against: plugins.map(\.descriptor)), store: try SQLiteStore(),
            plugins: plugins, connectors: [RefusedConnector(), working], metrics: RapportMetrics(factory: metrics))
        let running = Task { try await bot.run() }
        defer { running.cancel() }

        // Generous: the whole suite runs beside this on two cores.
        let deadline = ContinuousClock.now + .seconds(60)
        while await bot.networkStatus()["refusing"] != .failed, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await bot.networkStatus() == ["refusing": .failed, "working": .connected])
        #expect(try metrics.expectCounter("rapport_connector_failures_total", [("network", "refusing")]).totalValue == 1)

        await bot.receive(ChatEvent(
            network: "working", channel: "#c", sender: ChatUser(nick: "alice"), time: Date(), kind: .message(ChatMessage("!hi"))))
        await bot.settle()
        #expect(await working.takeSent().map(\.text) == ["hello"])

        running.cancel()
        try await running.value
    }

    @Test("when every connector fails, run ends with the error")
    func allNetworksFailed() async throws {
        let bot = Bot(configuration: BotConfiguration(), store: try SQLiteStore(), plugins: [], connectors: [RefusedConnector()])
        await #expect(throws: RefusedConnector.LoginRefused.self) { try await bot.run() }
    }
}
