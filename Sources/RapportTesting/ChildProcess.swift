#if canImport(Glibc)
public import Glibc
#endif
import Foundation
import Synchronization

/// A program a test starts: in a process group of its own, with default signal handling, and
/// reaped on a thread of its own (so waiting never blocks a concurrency thread).
///
/// ```swift
/// let driver = try ChildProcess("/usr/bin/chromedriver", ["--port=9515"], streams: .files(output: log, errors: log))
/// defer { driver.kill() }          // the whole group, whatever happens
/// ...
/// await driver.stop()              // SIGTERM to the group, SIGKILL after a grace period
/// ```
///
/// Every wait is bounded. Foundation's `Process` is not used: its children inherit the signal
/// mask of the test runner's thread, so some ignored SIGTERM and outlived the test run.
public final class ChildProcess: Sendable {
    /// The process id, which is also its process group id.
    public let pid: pid_t
    /// Set by the reaping thread, which must not keep `self` alive (its deinit kills the group).
    private final class Exit: Sendable {
        let code = Mutex<Int32?>(nil)
    }

    private let exit = Exit()

    /// Where the child's standard input, output and error go.
    public enum Streams: Sendable {
        /// The test runner's own three.
        case inherited
        /// Input from /dev/null, output and errors into these files (created or truncated).
        case files(output: String, errors: String)
        /// These descriptors (the child's ends of pipes, say), duplicated onto 0, 1 and 2.
        case descriptors(input: Int32, output: Int32, errors: Int32)
    }

    /// Starts `executable` with `streams`, in `directory` (the runner's own by default).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        streams: Streams = .inherited, directory: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch streams {
        case .inherited: break
        case .files(let output, let errors):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .descriptors(let input, let output, let errors):
            for (from, to) in [(input, 0), (output, 1), (errors, 2)] { posix_spawn_file_actions_adddup2(&actions, from, Int32(to)) }
        }
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory.
        let command = directory.map { ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, $0, executable] + arguments } ?? [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Threads of the test runner block some signals, and a child inherits the mask: a server
        // started that way would ignore SIGTERM.
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var pid: pid_t = 0
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        let spawned = environmentStrings.map { strings in
            strings.withUnsafeBufferPointer { posix_spawn(&pid, command[0], &actions, &attributes, argv, $0.baseAddress) }
        } ?? posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw TestFailure("cannot run \(executable): error \(spawned)") }
        self.pid = pid
        let exit = self.exit, child = pid
        Thread.detachNewThread {
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            exit.code.withLock { $0 = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
        }
    }

    /// The exit code once the process has ended (128 + the signal if a signal ended it).
    public var exitCode: Int32? { exit.code.withLock { $0 } }

    public var isRunning: Bool { exitCode == nil }

    /// Waits up to `timeout` for the process to end; `nil` if it still runs then, or if the
    /// calling task is cancelled first.
    public func wait(timeout: Duration) async -> Int32? {
        await poll(until: .now + timeout, cancellable: true)
    }

    /// Sends `signal` to the process group (the process and whatever it started in it).
    public func signal(_ signal: Int32) { Glibc.kill(-pid, signal) }

    /// Ends the process group at once (SIGKILL); for `defer`, where nothing can be awaited.
    public func kill() { signal(SIGKILL) }

    /// Ends the process group: `signal` (SIGTERM by default), then SIGKILL after `grace`.
    /// Returns the exit code if the process ended within `grace`, `nil` if it had to be killed.
    /// Runs to its end even in a cancelled task, so a test that timed out still cleans up.
    @discardableResult
    public func stop(with signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Int32? {
        self.signal(signal)
        let code = await poll(until: .now + grace, cancellable: false)
        self.signal(SIGKILL)  // what the leader started in its group, and the leader if it did not end
        if code == nil { _ = await poll(until: .now + .seconds(5), cancellable: false) }
        return code
    }

    private func poll(until deadline: ContinuousClock.Instant, cancellable: Bool) async -> Int32? {
        while true {
            if let code = exitCode { return code }
            if ContinuousClock.now >= deadline || (cancellable && Task.isCancelled) { return nil }
            // Not Task.sleep: it returns at once in a cancelled task, and this loop must not spin.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { continuation.resume() }
            }
        }
    }

    deinit {
        if isRunning { kill() }
    }
}
