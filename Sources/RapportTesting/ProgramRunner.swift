#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a program to its end without blocking a concurrency thread; output goes through files,
/// so a chatty program never fills a pipe. (posix_spawn + waitpid on a thread of its own:
/// Foundation's `Process` did not always reap children under the test runner here.)
public func runProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil
) async throws -> (status: Int32, output: String, errors: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
    let child = try spawnProgram(executable, arguments, environment: environment, output: (outPath, errPath))
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

/// Starts a program and returns its process id without waiting. With `output`, standard input is
/// /dev/null and standard output and error go to those files; without, all three are inherited.
///
/// Children start with no blocked signals and default handlers (threads of the test runner block
/// some, and a server started through a script would inherit that and ignore SIGTERM).
public func spawnProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    output: (standard: String, errors: String)? = nil
) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let output {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.standard, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output.errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
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
    let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { for pointer in environmentStrings ?? [] { free(pointer) } }
    let spawned = environmentStrings.map { strings in
        strings.withUnsafeBufferPointer { posix_spawn(&pid, executable, &actions, &attributes, argv, $0.baseAddress) }
    } ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw TestFailure("cannot run \(executable): error \(spawned)") }
    return pid
}

/// A failure a test helper reports, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
