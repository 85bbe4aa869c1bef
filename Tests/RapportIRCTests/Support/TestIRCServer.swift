import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away IRC server started with the project's deploy scripts
/// (`deploy/servers/inspircd.sh` or `ngircd.sh`) in a fresh temp dir.
///
/// Never skips: if the server cannot start, ``start(_:)`` throws with the script's output.
struct TestIRCServer: Sendable {
    enum Kind: String, Sendable { case inspircd, ngircd }

    struct ScriptError: Error, CustomStringConvertible {
        var description: String
    }

    let kind: Kind
    let dir: String
    let env: [String: String]

    var host: String { env["IRC_HOST"] ?? "127.0.0.1" }
    var port: Int { Int(env["IRC_PORT"] ?? "") ?? 0 }
    var tlsPort: Int { Int(env["IRC_TLS_PORT"] ?? "") ?? 0 }
    var clientCert: String { env["IRC_CLIENT_CERT"] ?? "" }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func start(_ kind: Kind) async throws -> TestIRCServer {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-irc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (status, output) = try await run(kind, "start", dir)
        guard status == 0 else {
            _ = try? await run(kind, "stop", dir)
            throw ScriptError(description: "deploy/servers/\(kind.rawValue).sh start failed (exit \(status)):\n\(output)")
        }
        var env: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].allSatisfy({ $0.isUppercase || $0 == "_" }) { env[String(kv[0])] = String(kv[1]) }
        }
        guard env["IRC_PORT"] != nil else {
            _ = try? await run(kind, "stop", dir)
            throw ScriptError(description: "no IRC_PORT in the output of \(kind.rawValue).sh start:\n\(output)")
        }
        return TestIRCServer(kind: kind, dir: dir, env: env)
    }

    /// Runs another script command (`stop-ircd`, `start-services`, …) and fails on error.
    func command(_ name: String) async throws {
        let (status, output) = try await Self.run(kind, name, dir)
        guard status == 0 else { throw ScriptError(description: "\(kind.rawValue).sh \(name) failed (exit \(status)):\n\(output)") }
    }

    func stop() async {
        _ = try? await Self.run(kind, "stop", dir)
    }

    /// SHA-256 of the server certificate, for `tls_pin_sha256`.
    func serverCertificateSHA256() async throws -> String {
        let (status, output) = try await Self.shell("openssl x509 -in '\(dir)/server.crt' -noout -fingerprint -sha256")
        guard status == 0, let value = output.split(separator: "=").last else { throw ScriptError(description: output) }
        return value.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    private static func run(_ kind: Kind, _ command: String, _ dir: String) async throws -> (Int32, String) {
        try await shell("'\(repositoryRoot)/deploy/servers/\(kind.rawValue).sh' \(command) '\(dir)'")
    }

    /// Runs `command` with bash on a thread of its own (posix_spawn + waitpid): blocking the
    /// cooperative pool, or Foundation's Process, hung with several servers starting at once.
    private static func shell(_ command: String) async throws -> (Int32, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-irc-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let full = "\(command) >'\(out)' 2>&1 </dev/null"
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: spawnAndWait(full)) }
        }
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return (status, output)
    }

    private static func spawnAndWait(_ command: String) -> Int32 {
        var pid: pid_t = 0
        var arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/bash", "-c", command].map { (text: String) in strdup(text) } + [nil]
        defer { for argument in arguments { free(argument) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &arguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return (status >> 8) & 0xFF
    }
}

/// Runs `body` with a fresh server and stops the server whatever happens.
func withIRCServer<T: Sendable>(
    _ kind: TestIRCServer.Kind, _ body: (TestIRCServer) async throws -> T
) async throws -> T {
    let server = try await TestIRCServer.start(kind)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
