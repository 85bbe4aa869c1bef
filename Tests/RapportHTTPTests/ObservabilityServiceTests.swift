import Foundation
import Logging
import NudgesPlugin
import Prometheus
import RapportCore
import RapportHTTP
import RapportTesting
import ServiceLifecycle
import Synchronization
import Testing
import ThanksPlugin

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.timeLimit(.minutes(5)))
struct ObservabilityServiceTests {
    /// Answers `!work` after a little while, and fails on `!fail`.
    struct Boom: Error {}

    struct WorkPlugin: BuiltInPlugin {
        static let descriptor = PluginDescriptor(
            id: "work", summary: "Test work.", commands: [.init("work", help: "Work."), .init("fail", help: "Fail.")])
        init(context: PluginContext) async throws {}
        func execute(_ command: CommandInvocation, context: PluginContext) async throws {
            if command.name == "fail" { throw Boom() }
            try await Task.sleep(for: .milliseconds(20))
            try await context.reply(to: command, "done")
        }
    }

    final class Readiness: Sendable {
        let checks = Mutex<[ReadinessCheck]>([])
    }

    /// Runs the service on a free loopback port for `body`, then shuts it down gracefully.
    func withService(
        registry: PrometheusCollectorRegistry, readiness: Readiness, _ body: @Sendable (URL) async throws -> Void
    ) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let service = ObservabilityService(
            address: HTTPAddress(host: "127.0.0.1", port: 0), registry: registry, logger: Logger(label: "test"),
            readiness: { readiness.checks.withLock { $0 } }, onListening: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(try #require(URL(string: "http://127.0.0.1:\(port)")))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func get(_ url: URL) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data, as: UTF8.self))
    }

    /// The value of one series in Prometheus text, e.g. `rapport_x_total{network="a"}`.
    func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func healthAndReadiness() async throws {
        let readiness = Readiness()
        readiness.checks.withLock { $0 = [ReadinessCheck(name: "store", ok: true, detail: "reachable")] }
        try await withService(registry: PrometheusCollectorRegistry(), readiness: readiness) { base in
            #expect(try await get(base.appendingPathComponent("healthz")) == (200, "ok\n"))
            #expect(try await get(base.appendingPathComponent("readyz")) == (200, "ok store: reachable\n"))
            readiness.checks.withLock {
                $0.append(ReadinessCheck(name: "network libera", ok: false, detail: "connecting"))
            }
            let notReady = try await get(base.appendingPathComponent("readyz"))
            #expect(notReady.status == 503)
            #expect(notReady.body == "ok store: reachable\nFAIL network libera: connecting\n")
            #expect(try await get(base.appendingPathComponent("nothing")).status == 404)
        }
    }

    /// A short scripted session through the real runtime, then `/metrics`.
    @Test func metricsCountAScriptedSession() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = RapportMetrics(factory: PrometheusMetricsFactory(registry: registry))
        metrics.preregister(networks: ["test"])
        let time = ManualTime()
        let chat = try await PluginHarness(
            [PluginRegistration(WorkPlugin.self), PluginRegistration(ThanksPlugin.self), PluginRegistration(NudgesPlugin.self)],
            configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]), time: time, metrics: metrics)
        await chat.connector.setOnline(["alice", "bob", "carol"])
        #expect(try await chat.say("hello", as: "alice", at: time.now) == [])
        // An answer and a thanks: two help events.
        #expect(try await chat.say("how do I mount a usb stick?", as: "alice", at: time.now) == [])
        #expect(try await chat.say("alice: plug it in, Files mounts it for you", as: "bob", at: time.now) == [])
        #expect(try await chat.say("thanks bob", as: "alice", at: time.now) == [])
        #expect(try await chat.say("!work", as: "alice", at: time.now) == ["done"])
        #expect(try await chat.say("!work", as: "bob", at: time.now) == ["done"])
        #expect(try await chat.say("!fail", as: "bob", at: time.now) == ["Sorry, something went wrong with that command."])
        // carol gets an answer and never thanks: one nudge sent (one more help event).
        #expect(try await chat.say("how do I see which kernel I run?", as: "carol", at: time.now) == [])
        #expect(try await chat.say("carol: uname -r prints the kernel release", as: "bob", at: time.now) == [])
        _ = try await chat.advance(time, by: .seconds(60))
        #expect(try await chat.say("ok, and how do I list usb devices?", as: "carol", at: time.now) == [])
        #expect(try await chat.advance(time, by: .seconds(30 * 60)).count == 1)
        await chat.stop()

        try await withService(registry: registry, readiness: Readiness()) { base in
            let (status, text) = try await get(base.appendingPathComponent("metrics"))
            #expect(status == 200)
            #expect(sample(#"rapport_messages_received_total{network="test"}"#, in: text) == 10)
            #expect(sample(#"rapport_help_events_total{network="test"}"#, in: text) == 3)
            #expect(sample(#"rapport_messages_sent_total{network="test"}"#, in: text) == 4)
            #expect(sample(#"rapport_nudges_total{outcome="sent"}"#, in: text) == 1)
            #expect(sample(#"rapport_command_duration_seconds_count{plugin="work",command="work"}"#, in: text) == 2)
            let slow = sample(#"rapport_command_duration_seconds_bucket{plugin="work",command="work",le="0.01"}"#, in: text)
            #expect(slow == 0, "each !work sleeps 20 ms")
            #expect(sample(#"rapport_plugin_errors_total{plugin="work",kind="command"}"#, in: text) == 1)
            #expect(sample(#"rapport_plugin_queue_depth{plugin="work"}"#, in: text) == 0)
            // Not happening in this session, yet present at zero.
            #expect(sample(#"rapport_reconnects_total{network="test"}"#, in: text) == 0)
            #expect(sample(#"rapport_nudges_total{outcome="suppressed"}"#, in: text) == 0)
            #expect(text.contains("# TYPE rapport_command_duration_seconds histogram"))
        }
    }

    @Test func addresses() {
        #expect(HTTPAddress("127.0.0.1:9300") == HTTPAddress(host: "127.0.0.1", port: 9300))
        #expect(HTTPAddress("[::1]:9300") == HTTPAddress(host: "::1", port: 9300))
        #expect(HTTPAddress("0.0.0.0:80")?.isLoopback == false)
        #expect(HTTPAddress("localhost:1")?.isLoopback == true)
        #expect(HTTPAddress("9300") == nil)
        #expect(HTTPAddress("host:99999") == nil)
        #expect(HTTPAddress(":9300") == nil)
    }
}
