public import Foundation
import RapportTesting
public import RapportMatrix

/// A throw-away Synapse started through `deploy/servers/synapse.sh` in a fresh temp dir.
public final class TestHomeserver: Sendable {
    static let repo = URL(fileURLWithPath: repositoryRoot)
    static var script: String { repo.appendingPathComponent("deploy/servers/synapse.sh").path }

    public let dir: URL
    public let url: URL
    public let serverName: String

    /// Installs Synapse if its venv is missing, then starts it. A server that cannot start fails
    /// the test with the script's output: these tests never skip.
    public static func start() async throws -> TestHomeserver {
        let venv = repo.appendingPathComponent(".cache/synapse-venv/bin/python").path
        if !FileManager.default.isExecutableFile(atPath: venv) {
            let install = try await runProgram(
                "/bin/bash", [repo.appendingPathComponent("deploy/install-deps.sh").path, "matrix"], timeout: .seconds(1200))
            guard install.status == 0 else { throw TestFailure("install-deps.sh matrix failed:\n\(install.output)\(install.errors)") }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-synapse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let env = try await Self.run(["start", dir.path])
        guard let url = env["MATRIX_URL"].flatMap(URL.init(string:)), let name = env["MATRIX_SERVER_NAME"] else {
            throw TestFailure("synapse.sh start printed no MATRIX_URL: \(env)")
        }
        return TestHomeserver(dir: dir, url: url, serverName: name)
    }

    private init(dir: URL, url: URL, serverName: String) {
        self.dir = dir
        self.url = url
        self.serverName = serverName
    }

    @discardableResult
    static func run(_ arguments: [String]) async throws -> [String: String] {
        let result = try await runProgram("/bin/bash", [script] + arguments)
        guard result.status == 0 else {
            throw TestFailure("synapse.sh \(arguments.joined(separator: " ")) failed (\(result.status)):\n\(result.output)\n\(result.errors)")
        }
        var values: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }

    /// Registers a user; returns a ``Human`` acting as them.
    public func register(_ user: String, password: String) async throws -> Human {
        let values = try await Self.run(["register", dir.path, user, password])
        guard let id = values["MATRIX_USER_ID"], let token = values["MATRIX_TOKEN"] else { throw TestFailure("register printed \(values)") }
        return Human(userID: id, token: token, url: url)
    }

    public func userID(_ localpart: String) -> String { "@\(localpart):\(serverName)" }

    public func restart() async throws {
        try await Self.run(["stop", dir.path])
        try await Self.run(["start", dir.path])
    }

    public func stop() async {
        _ = try? await Self.run(["stop", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A person in the tests, played by `human.py` (Python standard library, independent of the
/// connector's own client).
public struct Human: Sendable {
    public let userID: String
    public let token: String
    public let url: URL

    static var script: String { TestHomeserver.repo.appendingPathComponent("Sources/RapportServerTesting/human.py").path }

    @discardableResult
    public func run(_ command: String, _ arguments: String...) async throws -> MatrixJSON {
        let result = try await runProgram("/usr/bin/env", ["python3", Self.script, url.absoluteString, token, command] + arguments)
        guard result.status == 0 else { throw TestFailure("human.py \(command) \(arguments) failed:\n\(result.errors)") }
        return try JSONDecoder().decode(MatrixJSON.self, from: Data(result.output.utf8))
    }

    public func createRoom(inviting users: String...) async throws -> String {
        let result = try await runProgram("/usr/bin/env", ["python3", Self.script, url.absoluteString, token, "create_room"] + users)
        guard result.status == 0 else { throw TestFailure("create_room failed:\n\(result.errors)") }
        let value = try JSONDecoder().decode(MatrixJSON.self, from: Data(result.output.utf8))
        guard let room = value["room_id"]?.string else { throw TestFailure("create_room printed \(result.output)") }
        return room
    }

    public func send(_ room: String, _ text: String) async throws -> String {
        guard let id = try await run("send", room, text)["event_id"]?.string else { throw TestFailure("send gave no event_id") }
        return id
    }
}
