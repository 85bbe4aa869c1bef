import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running plugin process: its standard input, output and error as lines.
///
/// Reads block, so each of standard output and standard error has a thread of its own and the
/// concurrency pool never waits on a pipe. At most ``maximumWaitingLines`` lines wait for the
/// supervisor; then the reader stops reading until it takes some (back-pressure, see
/// ``PluginOutputQueue``). Writes go through a serial dispatch queue; if the
/// plugin stops reading and more than ``maximumBacklog`` bytes wait, ``send(_:)`` says so
/// instead of queueing more.
final class PluginProcess: Sendable {
    enum Output: Sendable, Hashable {
        case line([UInt8])
        case oversize
    }

    static let maximumBacklog = 1 << 20
    /// Lines read from standard output that may wait for the supervisor at once.
    static let maximumWaitingLines = 256

    let pid: Int32
    /// Lines from standard output, finished at end of file.
    let output = PluginOutputQueue<Output>(capacity: PluginProcess.maximumWaitingLines)
    private let input: FileHandle
    private let writes = DispatchQueue(label: "rapport.plugin.stdin")
    private let backlog = Locked(0)
    private let exit = Locked<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
    private let process: Locked<Process>

    /// Starts `configuration.command` with a small environment and pipes on all three streams.
    ///
    /// - Throws: When the executable cannot be started.
    /// - Parameter tail: Keeps the last lines of standard error.
    init(_ configuration: ExternalPluginConfiguration, tail: StandardErrorTail = StandardErrorTail(), logger: Logger) throws {
        Self.ignoreSIGPIPE()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = configuration.command
        if let directory = configuration.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        process.environment = configuration.processEnvironment(inherited: ProcessInfo.processInfo.environment)
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exit = self.exit
        process.terminationHandler = { process in
            let status = process.terminationStatus
            let waiters = exit.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            waiters.forEach { $0.resume(returning: status) }
        }
        try process.run()
        pid = process.processIdentifier
        self.process = Locked(process)
        input = stdin.fileHandleForWriting
        // Our copies of the child's ends must close, or we would never see end of file.
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()

        let output = self.output
        let maximumLine = configuration.maximumLineLength
        let outFD = stdout.fileHandleForReading
        Thread.detachNewThread {
            var framer = JSONLineFramer(maximumLength: maximumLine)
            Self.readAll(outFD) { bytes in
                for frame in framer.append(bytes) {
                    switch frame {
                    case .line(let line): output.push(.line(line))
                    case .oversize: output.push(.oversize)
                    }
                }
            }
            output.finish()
        }
        let errFD = stderr.fileHandleForReading
        let pluginID = configuration.id
        Thread.detachNewThread {
            Self.logStandardError(errFD, plugin: pluginID, tail: tail, logger: logger)
        }
    }

    /// Reads until end of file, handing each chunk to `body`, then closes the file.
    private static func readAll(_ handle: FileHandle, _ body: (UnsafeRawBufferPointer) -> Void) {
        let fd = handle.fileDescriptor
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
        defer {
            buffer.deallocate()
            try? handle.close()
        }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count > 0 {
                body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }

    /// Logs what the plugin writes to standard error, a line at a time, at most a few lines a
    /// second so that a chatty plugin cannot flood the log; `tail` keeps the last lines.
    private static func logStandardError(_ handle: FileHandle, plugin: String, tail: StandardErrorTail, logger: Logger) {
        var framer = JSONLineFramer(maximumLength: 2000)
        var allowance = 20.0
        var last = Date()
        var dropped = 0
        readAll(handle) { bytes in
            for frame in framer.append(bytes) {
                let text: String
                switch frame {
                case .line(let line): text = String(decoding: line, as: UTF8.self)
                case .oversize: text = "(a line longer than 2000 bytes)"
                }
                tail.append(text)
                let now = Date()
                allowance = min(20, allowance + now.timeIntervalSince(last) * 5)
                last = now
                guard allowance >= 1 else {
                    dropped += 1
                    continue
                }
                allowance -= 1
                logger.warning(
                    "plugin stderr", metadata: ["plugin": "\(plugin)", "line": "\(text)", "dropped": "\(dropped)"])
                dropped = 0
            }
        }
    }

    /// Queues one line for the plugin's standard input.
    ///
    /// - Returns: `false` when the plugin has stopped reading (the backlog is full); the line is dropped.
    func send(_ line: [UInt8]) -> Bool {
        let accepted = backlog.withLock { waiting in
            guard waiting + line.count <= Self.maximumBacklog else { return false }
            waiting += line.count
            return true
        }
        guard accepted else { return false }
        let fd = input.fileDescriptor
        let backlog = self.backlog
        writes.async {
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        break  // The plugin is gone (EPIPE); its exit is noticed elsewhere.
                    }
                }
            }
            backlog.withLock { $0 -= line.count }
        }
        return true
    }

    /// Closes standard input: a well-behaved plugin exits at end of input.
    func closeInput() {
        writes.async { [input] in try? input.close() }
    }

    /// Sends SIGTERM (or SIGKILL when `force`), if the process still runs.
    func kill(force: Bool) {
        let running = exit.withLock { $0.status == nil }
        if running { _ = Foundation.kill(pid, force ? SIGKILL : SIGTERM) }
    }

    /// The exit status, once the process has ended.
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// The exit status if the process ends within `timeout`, else `nil`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let once = ResumeOnce<Int32?>()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            Task { once.resume(await self.waitForExit()) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(nil)
            }
        }
    }

    /// Ends the process: SIGTERM, then SIGKILL after `grace`.
    func terminate(grace: Duration) async {
        kill(force: false)
        if await waitForExit(timeout: grace) == nil {
            kill(force: true)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }

    private static let sigpipeIgnored = Mutex(false)

    /// Writing to a plugin that has exited must fail with EPIPE, not kill the bot.
    private static func ignoreSIGPIPE() {
        sigpipeIgnored.withLock { done in
            if !done {
                signal(SIGPIPE, SIG_IGN)
                done = true
            }
        }
    }
}

/// A value behind a lock, shareable with closures and threads.
final class Locked<Value>: @unchecked Sendable {
    // Unchecked: every access to `value` holds `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A continuation that the first of several racers resumes.
final class ResumeOnce<Value: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Value, Never>?, done: Bool)>((nil, false))

    func set(_ continuation: CheckedContinuation<Value, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func resume(_ value: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard !state.done else { return nil }
            state.done = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: value)
    }
}
