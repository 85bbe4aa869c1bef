import Foundation
import Logging
import RapportCore
import RapportServerTesting
import RapportTesting
import Testing

@testable import RapportIRC

/// The connector against a scripted IRC server (`Fixtures/scram_server.py`, written from
/// RFC 5802/7677) that signs in with SCRAM-SHA-256: honestly, and as three impostors that do
/// not know the password but try to make the bot believe it logged in.
@Suite(.timeLimit(.minutes(3)))
struct AdversarialSCRAMServerTests {
    /// A running scripted server and what it reported.
    struct ScriptedServer {
        let process: ChildProcess
        let port: Int
        let output: String

        /// Its event lines so far ("connect", "login rapport", "quit …", …).
        func events() -> [String] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/scram_server.py").path

    static func withServer(
        _ mode: String, user: String = "rapport", password: String = "correct horse", nonceExtra: Int = 24, saltBytes: Int = 16,
        _ body: (ScriptedServer) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-scram-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let portFile = dir + "/port"
        let process = try ChildProcess(
            "/usr/bin/env", ["python3", script, mode, user, password, portFile, "\(nonceExtra)", "\(saltBytes)"],
            streams: .files(output: dir + "/events", errors: dir + "/errors"))
        defer { process.kill() }
        try await eventually("the scripted server listens", timeout: 30) {
            FileManager.default.fileExists(atPath: portFile) || !process.isRunning
        }
        guard let port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") else {
            throw TestFailure("scram_server.py did not start: \((try? String(contentsOfFile: dir + "/errors", encoding: .utf8)) ?? "")")
        }
        try await body(ScriptedServer(process: process, port: port, output: dir + "/events"))
        _ = await process.stop()
    }

    static func config(port: Int, user: String = "rapport", password: String = "correct horse", required: Bool = true) -> IRCConfiguration {
        var config = IRCConfiguration(
            host: "127.0.0.1", port: port, tls: false, nick: "rapport",
            sasl: .init(mechanism: .scramSHA256, username: user, password: password, required: required))
        config.reconnect = .init(min: 0.2, max: 0.5)
        config.connectTimeout = 5
        return config
    }

    /// Runs a connector that must stop with an error, and returns that error.
    static func failure(of config: IRCConfiguration) async throws -> IRCConnectorError {
        let connector = IRCConnector(network: "scram", configuration: config, logger: Logger(label: "test"))
        let task = Task { try await connector.run(events: RecordingSink()) }
        defer { task.cancel() }
        do {
            try await value(of: task, within: .seconds(30), "the connector's refused sign-in")
        } catch let error as IRCConnectorError {
            #expect(await connector.registrations == 0)
            return error
        }
        throw TestFailure("the connector stopped without an error")
    }

    /// Runs a connector until it is registered, then stops it; returns the account it logged in to.
    static func registeredAccount(_ config: IRCConfiguration) async throws -> String? {
        let connector = IRCConnector(network: "scram", configuration: config, logger: Logger(label: "test"))
        let task = Task { try await connector.run(events: RecordingSink()) }
        defer { task.cancel() }
        try await eventually("registered", timeout: 20) { await connector.isConnected() }
        return await connector.loggedInAccount()
    }

    @Test("an honest SCRAM-SHA-256 server signs the bot in, and proves it knows the password")
    func honestServerSignsIn() async throws {
        try await Self.withServer("honest") { server in
            let account = try await Self.registeredAccount(Self.config(port: server.port))
            #expect(account == "rapport")
            #expect(server.events().contains("login rapport"))
        }
    }

    @Test("payloads longer than one AUTHENTICATE line are cut and put back together both ways")
    func chunkedPayloads() async throws {
        let user = String(repeating: "u", count: 350)  // client-first: over 400 base64 bytes
        try await Self.withServer("honest", user: user, nonceExtra: 500, saltBytes: 300) { server in
            let account = try await Self.registeredAccount(Self.config(port: server.port, user: user))
            #expect(account == user)
        }
    }

    @Test("attack: a server with a wrong signature does not know the password; the bot QUITs and stops")
    func wrongServerSignature() async throws {
        try await Self.withServer("wrong-signature") { server in
            let error = try await Self.failure(of: Self.config(port: server.port))
            #expect(error.code == .saslRefused)
            #expect(error.message.contains("signature is wrong"))
            #expect(server.events().contains("aborted"))
            #expect(server.events().contains("quit SASL login failed"))
            #expect(!server.events().contains { $0.hasPrefix("registered") })
        }
    }

    @Test("attack: an empty server signature fails the login")
    func emptyServerSignature() async throws {
        try await Self.withServer("empty-signature") { server in
            let error = try await Self.failure(of: Self.config(port: server.port))
            #expect(error.message.contains("signature is wrong"))
            #expect(server.events().contains("quit SASL login failed"))
        }
    }

    @Test("attack: a server nonce that does not extend ours is refused before any proof is sent")
    func foreignNonce() async throws {
        try await Self.withServer("foreign-nonce") { server in
            let error = try await Self.failure(of: Self.config(port: server.port))
            #expect(error.message.contains("nonce does not extend ours"))
            #expect(!server.events().contains("proof-invalid"))  // no proof ever reached it
            #expect(server.events().contains("quit SASL login failed"))
        }
    }

    @Test("a wrong password is refused once: one connection, a QUIT, and the connector stops")
    func badPasswordNeverLoops() async throws {
        try await Self.withServer("honest") { server in
            let error = try await Self.failure(of: Self.config(port: server.port, password: "wrong"))
            #expect(error.code == .saslRefused)
            #expect(error.message.contains("was refused by the server (904"))
            try await Task.sleep(for: .seconds(1))  // time for a reconnect that must not happen
            #expect(server.events().filter { $0 == "connect" }.count == 1)
            #expect(server.events().contains("proof-invalid"))
        }
    }

    @Test("without sasl.required a failed server proof leaves the bot connected but not logged in")
    func unverifiedServerWithoutRequiredGoesOnUnauthenticated() async throws {
        try await Self.withServer("wrong-signature") { server in
            let account = try await Self.registeredAccount(Self.config(port: server.port, required: false))
            #expect(account == nil)
            #expect(server.events().contains("aborted"))
        }
    }
}
