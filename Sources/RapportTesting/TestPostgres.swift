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
        let created = try await run("/usr/bin/env", ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", "CREATE DATABASE \(name)"])
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
    /// Foundation's `Process` watches for the child's exit through an inherited descriptor, and
    /// a server that inherited it too would make the script seem to run forever.
    static func runDetached(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let closeAndExec = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null; exec "$0" "$@""#
        return try await run("/bin/bash", ["-c", closeAndExec, script] + arguments)
    }

    /// Runs a program to its end without blocking the cooperative thread pool.
    ///
    /// Output goes through files, not pipes: a server the program starts in the background
    /// may inherit the descriptors and would keep a pipe open forever.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) async throws -> (status: Int32, output: String, errors: String) {
        let folder = FileManager.default.temporaryDirectory
        let outputURL = folder.appendingPathComponent("rapport-run-\(UUID().uuidString).out")
        let errorsURL = folder.appendingPathComponent("rapport-run-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorsURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
        return (status, output, errors)
    }
}
