#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import RapportCore
import Synchronization
@testable import RapportMatrix

/// Runs a program to its end without blocking a concurrency thread; output goes through files,
/// so a chatty program never fills a pipe. (posix_spawn + waitpid on a thread of its own:
/// Foundation's `Process` did not always reap children under the test runner here.)
func runProgram(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // Children start with no blocked signals (threads of the test runner block some, and a
    // server started through the script would inherit that and ignore SIGTERM).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var signals = sigset_t()
    sigemptyset(&signals)
    posix_spawnattr_setsigmask(&attributes, &signals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw TestFailure("cannot run \(executable): error \(spawned)") }
    let child = pid
    let status: Int32 = await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            continuation.resume(returning: status)
        }
    }
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (exitCode, out, err)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A throw-away Synapse started through `deploy/servers/synapse.sh` in a fresh temp dir.
final class TestHomeserver: Sendable {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var script: String { repo.appendingPathComponent("deploy/servers/synapse.sh").path }

    let dir: URL
    let url: URL
    let serverName: String

    /// Installs Synapse if its venv is missing, then starts it. A server that cannot start fails
    /// the test with the script's output: these tests never skip.
    static func start() async throws -> TestHomeserver {
        let venv = repo.appendingPathComponent(".cache/synapse-venv/bin/python").path
        if !FileManager.default.isExecutableFile(atPath: venv) {
            let install = try await runProgram("/bin/bash", [repo.appendingPathComponent("deploy/install-deps.sh").path, "matrix"])
            guard install.status == 0 else { throw TestFailure("install-deps.sh matrix failed:\n\(install.out)\(install.err)") }
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
            throw TestFailure("synapse.sh \(arguments.joined(separator: " ")) failed (\(result.status)):\n\(result.out)\n\(result.err)")
        }
        var values: [String: String] = [:]
        for line in result.out.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }

    /// Registers a user; returns a ``Human`` acting as them.
    func register(_ user: String, password: String) async throws -> Human {
        let values = try await Self.run(["register", dir.path, user, password])
        guard let id = values["MATRIX_USER_ID"], let token = values["MATRIX_TOKEN"] else { throw TestFailure("register printed \(values)") }
        return Human(userID: id, token: token, url: url)
    }

    func userID(_ localpart: String) -> String { "@\(localpart):\(serverName)" }

    func restart() async throws {
        try await Self.run(["stop", dir.path])
        try await Self.run(["start", dir.path])
    }

    func stop() async {
        _ = try? await Self.run(["stop", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A person in the tests, played by `human.py` (Python standard library, independent of the
/// connector's own client).
struct Human: Sendable {
    let userID: String
    let token: String
    let url: URL

    static var script: String { TestHomeserver.repo.appendingPathComponent("Tests/RapportMatrixTests/human.py").path }

    @discardableResult
    func run(_ command: String, _ arguments: String...) async throws -> MatrixJSON {
        let result = try await runProgram("/usr/bin/env", ["python3", Self.script, url.absoluteString, token, command] + arguments)
        guard result.status == 0 else { throw TestFailure("human.py \(command) \(arguments) failed:\n\(result.err)") }
        return try JSONDecoder().decode(MatrixJSON.self, from: Data(result.out.utf8))
    }

    func createRoom(inviting users: String...) async throws -> String {
        let result = try await runProgram("/usr/bin/env", ["python3", Self.script, url.absoluteString, token, "create_room"] + users)
        guard result.status == 0 else { throw TestFailure("create_room failed:\n\(result.err)") }
        let value = try JSONDecoder().decode(MatrixJSON.self, from: Data(result.out.utf8))
        guard let room = value["room_id"]?.string else { throw TestFailure("create_room printed \(result.out)") }
        return room
    }

    func send(_ room: String, _ text: String) async throws -> String {
        guard let id = try await run("send", room, text)["event_id"]?.string else { throw TestFailure("send gave no event_id") }
        return id
    }
}

/// Collects what a connector delivers.
final class RecordingSink: EventSink {
    private let events = Mutex<[ChatEvent]>([])

    func receive(_ event: ChatEvent) async { events.withLock { $0.append(event) } }
    func settle() async {}

    var all: [ChatEvent] { events.withLock { $0 } }

    /// Waits until `predicate` holds for the events so far; fails after `seconds`.
    @discardableResult
    func wait(
        _ what: String, seconds: Double = 30, until predicate: @Sendable ([ChatEvent]) -> Bool
    ) async throws -> [ChatEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = all
            if predicate(now) { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("timed out waiting for \(what); got: \(all.map { "\($0.id?.rawValue ?? "-") \($0.kind)" })")
    }
}

/// A connector running in its own task until ``stop()``.
struct RunningConnector {
    let connector: MatrixConnector
    let sink: RecordingSink
    let task: Task<Void, any Error>

    static func start(_ connector: MatrixConnector) -> RunningConnector {
        let sink = RecordingSink()
        let task = Task { try await connector.run(events: sink) }
        return RunningConnector(connector: connector, sink: sink, task: task)
    }

    func stop() async throws {
        task.cancel()
        try await task.value
    }
}

func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}

func matrixConfiguration(_ server: TestHomeserver, allow: [String] = [], rooms: [String] = []) -> MatrixConfiguration {
    MatrixConfiguration(
        homeserver: server.url, userID: server.userID("rapport"), password: "rapport-password", rooms: rooms,
        allowInvitesFrom: allow, syncTimeout: 10)
}
