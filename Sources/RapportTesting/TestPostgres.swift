import Foundation

/// A PostgreSQL database for a test: a fresh database on the server at
/// `RAPPORT_TEST_POSTGRES_URL`, or, when that is unset, on a server started for the test with
/// `deploy/servers/postgres.sh` and stopped afterwards.
///
/// A server that cannot be started or reached is an error, never a skip.
public enum TestPostgres {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `body` with the URL of a new, empty database.
    public static func withDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        if let url = ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES_URL"], !url.isEmpty {
            return try await body(try await createDatabase(on: url))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-pg-\(UUID().uuidString)").path
        let started = try await runDetached(script, ["start", folder])
        guard started.status == 0, let url = value("POSTGRES_URL", in: started.output) else {
            _ = try? await runDetached(script, ["stop", folder])
            throw Failure(description: "deploy/servers/postgres.sh could not start PostgreSQL:\n\(started.output)\n\(started.errors)")
        }
        do {
            let result = try await body(try await createDatabase(on: url))
            try await stop(folder)
            return result
        } catch {
            try? await stop(folder)
            throw error
        }
    }

    /// Creates a database with a unique name next to the one `url` names; returns its URL.
    public static func createDatabase(on url: String) async throws -> String {
        let name = "rapport_test_\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await runProgram("/usr/bin/env", ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", "CREATE DATABASE \(name)"])
        guard created.status == 0 else {
            throw Failure(description: "cannot create a test database with psql: \(created.errors)")
        }
        guard let slash = url.lastIndex(of: "/") else { throw Failure(description: "not a database URL") }
        return String(url[..<slash]) + "/" + name
    }

    private static func stop(_ folder: String) async throws {
        let stopped = try await runDetached(script, ["stop", folder])
        try? FileManager.default.removeItem(atPath: folder)
        guard stopped.status == 0 else { throw Failure(description: "postgres.sh stop failed: \(stopped.errors)") }
    }

    /// `deploy/servers/postgres.sh`, found from this file's place in the repository.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/servers/postgres.sh").path
    }

    static func value(_ key: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("\(key)=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// Runs a script that leaves a server running, with every descriptor above 2 closed first:
    /// a server that inherited another test's pipe would hold it open, and that test would never
    /// see end-of-file.
    static func runDetached(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let closeAndExec = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null; exec "$0" "$@""#
        return try await runProgram("/bin/bash", ["-c", closeAndExec, script] + arguments)
    }
}
