import Foundation
import RapportTesting

/// A throw-away IRC server started with the project's deploy scripts
/// (`deploy/servers/inspircd.sh` or `ngircd.sh`) in a fresh temp dir.
///
/// Never skips: if the server cannot start, ``start(_:)`` throws with the script's output.
public struct TestIRCServer: Sendable {
    public enum Kind: String, Sendable { case inspircd, ngircd }

    public let kind: Kind
    public let dir: String
    public let env: [String: String]
    /// Settings the script reads from its environment (`IRC_STS`, …), passed to every command.
    public let options: [String: String]

    public var host: String { env["IRC_HOST"] ?? "127.0.0.1" }
    public var port: Int { Int(env["IRC_PORT"] ?? "") ?? 0 }
    public var tlsPort: Int { Int(env["IRC_TLS_PORT"] ?? "") ?? 0 }
    public var clientCert: String { env["IRC_CLIENT_CERT"] ?? "" }

    /// - Parameter options: Environment for the script, such as `["IRC_STS": "yes"]`.
    public static func start(_ kind: Kind, options: [String: String] = [:]) async throws -> TestIRCServer {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-irc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (status, output) = try await run(kind, "start", dir, options)
        guard status == 0 else {
            _ = try? await run(kind, "stop", dir, options)
            throw TestFailure("deploy/servers/\(kind.rawValue).sh start failed (exit \(status)):\n\(output)")
        }
        var env: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].allSatisfy({ $0.isUppercase || $0 == "_" }) { env[String(kv[0])] = String(kv[1]) }
        }
        guard env["IRC_PORT"] != nil else {
            _ = try? await run(kind, "stop", dir, options)
            throw TestFailure("no IRC_PORT in the output of \(kind.rawValue).sh start:\n\(output)")
        }
        return TestIRCServer(kind: kind, dir: dir, env: env, options: options)
    }

    /// Runs another script command (`stop-ircd`, `start-services`, …) and fails on error.
    public func command(_ name: String) async throws {
        let (status, output) = try await Self.run(kind, name, dir, options)
        guard status == 0 else { throw TestFailure("\(kind.rawValue).sh \(name) failed (exit \(status)):\n\(output)") }
    }

    public func stop() async {
        _ = try? await Self.run(kind, "stop", dir, options)
    }

    /// SHA-256 of the server certificate, for `tls_pin_sha256`.
    public func serverCertificateSHA256() async throws -> String {
        let (status, output) = try await Self.shell("openssl x509 -in '\(dir)/server.crt' -noout -fingerprint -sha256")
        guard status == 0, let value = output.split(separator: "=").last else { throw TestFailure(output) }
        return value.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    private static func run(_ kind: Kind, _ command: String, _ dir: String, _ options: [String: String]) async throws -> (Int32, String) {
        let settings = options.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)' " }.joined()
        return try await shell("\(settings)'\(repositoryRoot)/deploy/servers/\(kind.rawValue).sh' \(command) '\(dir)'")
    }

    private static func shell(_ command: String) async throws -> (Int32, String) {
        let result = try await runProgram("/bin/bash", ["-c", command + " 2>&1"])
        return (result.status, result.output)
    }
}

/// Runs `body` with a fresh server and stops the server whatever happens.
public func withIRCServer<T: Sendable>(
    _ kind: TestIRCServer.Kind, options: [String: String] = [:], _ body: (TestIRCServer) async throws -> T
) async throws -> T {
    try await withStarted({ try await TestIRCServer.start(kind, options: options) }, stop: { await $0.stop() }, body)
}
