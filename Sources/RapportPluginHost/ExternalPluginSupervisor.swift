import Foundation
import Logging
import RapportCore

/// Runs one external plugin's process and speaks the JSON-lines protocol with it.
///
/// It starts the process and waits for the manifest, turns events, commands and jobs into
/// requests with ids and timeouts, carries out the plugin's actions through its
/// ``PluginContext``, and watches for trouble. A plugin that exits, hangs (a request outlives
/// its timeout), floods (more lines per second than allowed), stops reading its input, or writes
/// too many unreadable lines is killed and restarted after a delay that doubles each time;
/// after `max_restarts` failures in a row it stays off until `!plugin reload`. Admins learn of
/// it from the log and the audit log (`!audit`).
actor ExternalPluginSupervisor {
    enum Phase: Sendable, Equatable {
        case idle, starting, running, waitingToRestart, stopped
        case disabled(String)
    }

    struct Manifest: Sendable, Hashable {
        var descriptor: PluginDescriptor
        var events: Set<String>
    }

    struct Pending {
        var continuation: CheckedContinuation<Void, any Error>
        var event: ChatEvent?
        var what: String
        var timer: Task<Void, Never>
    }

    /// Unreadable lines tolerated from one process before it counts as failed.
    static let garbageLimit = 10
    /// A process that ran this long before failing starts a new count of failures.
    static let healthyAfter: TimeInterval = 60

    let configuration: ExternalPluginConfiguration
    var logger: Logger
    private(set) var manifest: Manifest?
    private(set) var phase: Phase = .idle
    var context: PluginContext?
    private var process: PluginProcess?
    private var generation = 0
    var pending: [Int: Pending] = [:]
    private var nextID = 1
    private var handshake: CheckedContinuation<Manifest, any Error>?
    private var consecutiveFailures = 0
    /// Restarts after a failure, and the last failure, for ``processState()``.
    private var restarts = 0
    private var lastError: String?
    private let standardErrorTail = StandardErrorTail()
    private var startedAt = Date()
    private var restartTask: Task<Void, Never>?
    private var garbage = 0
    private var lineBucket: TokenBucket
    var scheduled: Set<String> = []
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    var id: String { configuration.id }

    init(_ configuration: ExternalPluginConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "plugin"] = "\(configuration.id)"
        self.logger = logger
        lineBucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: Date())
        encoder.outputFormatting = [.withoutEscapingSlashes]
    }

    // MARK: - Life cycle

    /// Starts the process and waits for its manifest.
    ///
    /// - Throws: ``ExternalPluginError`` when the program cannot start or the handshake fails.
    @discardableResult
    func start() async throws -> Manifest {
        if let problem = configuration.problems().first { throw ExternalPluginError("its configuration is refused: \(problem)") }
        generation += 1
        let gen = generation
        phase = .starting
        garbage = 0
        let rate = Double(configuration.lineRate)
        lineBucket = TokenBucket(capacity: rate * 2, refillPerSecond: rate, now: Date())
        let process: PluginProcess
        do {
            process = try PluginProcess(configuration, tail: standardErrorTail, logger: logger)
        } catch {
            phase = .idle
            throw ExternalPluginError("cannot start \(configuration.command.joined(separator: " ")): \(error)")
        }
        self.process = process
        startedAt = Date()
        logger.info("plugin process started", metadata: ["pid": "\(process.pid)"])
        Task {
            for await output in process.output { await self.received(output, generation: gen) }
            await self.outputEnded(generation: gen)
        }
        let timeout = configuration.handshakeTimeout
        let manifest = try await withCheckedThrowingContinuation { continuation in
            handshake = continuation
            write(.hello(pluginID: configuration.id), generation: gen)
            Task {
                try? await Task.sleep(for: timeout)
                await self.handshakeTimedOut(gen)
            }
        }
        if let old = self.manifest, old.descriptor != manifest.descriptor {
            logger.notice("the plugin announces different commands or settings; !plugin reload applies them")
        }
        self.manifest = manifest
        return manifest
    }

    private func handshakeTimedOut(_ gen: Int) async {
        guard handshake != nil else { return }
        await fail(gen, "it sent no manifest within \(configuration.handshakeTimeout)", userReply: nil)
    }

    /// Hands over the context through which the plugin's actions reach the bot.
    func attach(_ context: PluginContext) -> Manifest? {
        self.context = context
        logger = context.logger
        return manifest
    }

    /// Asks the plugin to exit, then kills it if it has not after two seconds.
    func stop() async {
        phase = .stopped
        restartTask?.cancel()
        guard let process else { return }
        self.process = nil
        generation += 1
        failPending(ExternalPluginError("the plugin is stopping", reply: "The \(id) plugin is stopping."))
        if let encoded = try? encoder.encode(HostMessage.shutdown) { _ = process.send(Array(encoded) + [10]) }
        process.closeInput()
        if await process.waitForExit(timeout: .seconds(2)) == nil {
            process.kill(force: true)
            _ = await process.waitForExit(timeout: .seconds(5))
        }
        logger.info("plugin process stopped")
    }

    // MARK: - Requests from the bot

    /// Delivers an event, if the plugin subscribed to its kind and is running.
    func deliver(_ event: ChatEvent) async throws {
        let kind = WireEvent.kind(of: event.kind)
        guard phase == .running, manifest?.events.contains(kind) == true else { return }
        try await request(event: event, what: "event \(kind)") { .event(id: $0, WireEvent(event)) }
    }

    /// Runs a command and returns when the plugin says `done`.
    ///
    /// - Throws: A ``UserFacingError`` when the plugin refuses, fails, or is not running.
    func run(_ command: CommandInvocation) async throws {
        try await request(event: command.event, what: "command \(command.name)") { .command(id: $0, .init(command)) }
    }

    /// Runs a scheduled job.
    func runJob(_ name: String) async throws {
        guard phase == .running else { return }
        try await request(event: nil, what: "job \(name)") { .job(id: $0, name: name) }
    }

    private func request(event: ChatEvent?, what: String, _ message: (Int) -> HostMessage) async throws {
        switch phase {
        case .running: break
        case .disabled:
            throw CommandError(
                .unavailable, "The \(id) plugin is off after repeated failures; an admin can try !plugin reload \(id).")
        default:
            throw CommandError(.unavailable, "The \(id) plugin is restarting; try again in a few seconds.")
        }
        let id = nextID
        nextID += 1
        let gen = generation
        let line = message(id)
        let timeout = configuration.requestTimeout
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { await self.timedOut(id, generation: gen) }
                }
                pending[id] = Pending(continuation: continuation, event: event, what: what, timer: timer)
                write(line, generation: gen)
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func timedOut(_ request: Int, generation gen: Int) async {
        guard let waiting = pending[request] else { return }
        await fail(
            gen, "\(waiting.what) took longer than \(configuration.requestTimeout) (hung)",
            userReply: "The \(id) plugin did not answer in time; it is being restarted.")
    }

    private func cancel(_ request: Int) {
        guard let waiting = pending.removeValue(forKey: request) else { return }
        waiting.timer.cancel()
        waiting.continuation.resume(throwing: CancellationError())
    }

    /// How the program is doing now.
    func processState() -> PluginProcessState {
        let shown: PluginProcessState.Phase =
            switch phase {
            case .idle, .starting: .starting
            case .running: .running
            case .waitingToRestart: .restarting
            case .disabled: .failed
            case .stopped: .stopped
            }
        return PluginProcessState(phase: shown, restarts: restarts, lastError: lastError, standardErrorTail: standardErrorTail.snapshot)
    }

    // MARK: - Failure and restart

    /// Kills the current process after trouble; restarts it later if it was running.
    private func fail(_ gen: Int, _ reason: String, userReply: String?) async {
        guard gen == generation, let process else { return }
        self.process = nil
        generation += 1
        let wasRunning = phase == .running
        process.kill(force: true)
        logger.error("plugin failed", metadata: ["reason": "\(reason)", "pid": "\(process.pid)"])
        failPending(
            ExternalPluginError(reason, reply: userReply ?? "The \(id) plugin stopped working; it is being restarted."))
        if let handshake {
            self.handshake = nil
            phase = .idle
            handshake.resume(throwing: ExternalPluginError("the handshake failed: \(reason)"))
            return
        }
        if wasRunning { await recordFailure(reason) }
    }

    private func failPending(_ error: ExternalPluginError) {
        let waiting = pending
        pending = [:]
        for (_, request) in waiting {
            request.timer.cancel()
            request.continuation.resume(throwing: error)
        }
    }

    private func recordFailure(_ reason: String) async {
        lastError = reason
        if Date().timeIntervalSince(startedAt) > Self.healthyAfter { consecutiveFailures = 0 }
        consecutiveFailures += 1
        let failures = consecutiveFailures
        if failures > configuration.restartLimit {
            phase = .disabled(reason)
            await report(
                "plugin.disabled",
                "\(id) failed \(failures) times in a row (last: \(reason)); it stays off until !plugin reload \(id)")
            return
        }
        let delay = min(60, configuration.firstRestartDelay * pow(2, Double(failures - 1)))
        phase = .waitingToRestart
        let detail = "\(id): \(reason); restarting in \(String(format: "%.1f", delay))s (failure \(failures) of at most \(configuration.restartLimit))"
        if failures == 1 { await report("plugin.restart", detail) } else { logger.error("plugin restarting", metadata: ["detail": "\(detail)"]) }
        restartTask = Task {
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            if !Task.isCancelled { await self.restart() }
        }
    }

    private func restart() async {
        guard phase == .waitingToRestart else { return }
        restarts += 1
        do {
            try await start()
            if phase == .running { logger.notice("plugin restarted") }
        } catch {
            guard phase != .stopped else { return }
            await recordFailure("\(error)")
        }
    }

    private func report(_ action: String, _ detail: String) async {
        if let context {
            await context.reportProblem(action, detail)
        } else {
            logger.error("plugin problem", metadata: ["action": "\(action)", "detail": "\(detail)"])
        }
    }

    // MARK: - Lines from the plugin

    private func outputEnded(generation gen: Int) async {
        guard gen == generation, let process else { return }
        let status = await process.waitForExit(timeout: .seconds(1))
        await fail(gen, status.map { "the process exited with status \($0)" } ?? "the process closed its output", userReply: nil)
    }

    private func received(_ output: PluginProcess.Output, generation gen: Int) async {
        guard gen == generation else { return }
        guard lineBucket.take(now: Date()) else {
            await fail(gen, "it wrote more than \(configuration.lineRate) lines a second (flood)", userReply: nil)
            return
        }
        let line: [UInt8]
        switch output {
        case .oversize:
            await refuseLine(gen, "a line is longer than \(configuration.maximumLineLength) bytes.")
            return
        case .line(let bytes): line = bytes
        }
        let message: PluginMessage
        do {
            message = try PluginMessage.read(line, with: decoder)
        } catch {
            await refuseLine(gen, error.description)
            return
        }
        if phase == .starting {
            guard case .manifest(let version, let descriptor, let events) = message else {
                await refuseLine(gen, "the first line must be the manifest.")
                return
            }
            await handshaken(gen, version: version, descriptor: descriptor, events: events)
            return
        }
        await perform(message, generation: gen)
    }

    func refuseLine(_ gen: Int, _ problem: String) async {
        garbage += 1
        logger.warning("unreadable line from plugin", metadata: ["problem": "\(problem)", "count": "\(garbage)"])
        write(.error(id: nil, code: "bad_line", message: problem), generation: gen)
        if garbage > Self.garbageLimit {
            await fail(gen, "it wrote \(garbage) unreadable lines (last: \(problem))", userReply: nil)
        }
    }

    private func handshaken(_ gen: Int, version: Int, descriptor: PluginDescriptor, events: [String]) async {
        var problem: String?
        if version != PluginProtocol.version {
            problem = "it speaks protocol \(version); this bot speaks \(PluginProtocol.version)"
        } else if descriptor.id != configuration.id {
            problem = "its manifest says id '\(descriptor.id)' but the configuration says '\(configuration.id)'"
        } else if let unknown = events.first(where: { !WireEvent.kinds.contains($0) }) {
            problem = "it subscribes to the unknown event kind '\(unknown)'"
        } else if let bad = descriptor.commands.first(where: { $0.name.isEmpty || $0.name != $0.name.lowercased() || $0.name.contains(" ") }) {
            problem = "its command '\(bad.name)' is not a lower-case word"
        } else {
            for spec in descriptor.settings {
                do { _ = try spec.validate(spec.defaultValue) } catch {
                    problem = "the default of its setting \(spec.key) is invalid: \(error.description)"
                }
            }
        }
        if let problem {
            write(.error(id: nil, code: "bad_manifest", message: problem + "."), generation: gen)
            await fail(gen, problem, userReply: nil)
            return
        }
        phase = .running
        handshake?.resume(returning: Manifest(descriptor: descriptor, events: Set(events)))
        handshake = nil
    }

    func write(_ message: HostMessage, generation gen: Int) {
        guard gen == generation, let process else { return }
        guard let encoded = try? encoder.encode(message) else { return }
        var line = Array(encoded)
        line.append(10)
        if !process.send(line) {
            Task { await self.fail(gen, "it stopped reading its input", userReply: nil) }
        }
    }
}
