import Logging

/// Runs one plugin instance: a queue of events, commands and jobs, handled one at a time.
///
/// Each plugin has its own runner, so a slow or failing plugin delays only itself. Work that
/// takes longer than ``timeout`` is cancelled and logged: one watchdog per runner looks at the
/// running work a few times per timeout, so that a message costs no timer of its own.
actor PluginRunner {
    enum Work: Sendable {
        case event(ChatEvent)
        case command(CommandInvocation)
        case job(name: String, @Sendable () async throws -> Void)
    }

    static let maxQueued = 2000

    let descriptor: PluginDescriptor
    let plugin: any Plugin
    let context: PluginContext
    let timeout: Duration
    let metrics: RapportMetrics
    private let queue: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private var pending = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var worker: Task<Void, Never>?
    private var watchdog: Task<Void, Never>?
    /// The work being performed, and when it must be done.
    private var running: (task: Task<Void, any Error>, deadline: ContinuousClock.Instant)?
    private var runningTimedOut = false
    private var jobs: [Task<Void, Never>] = []
    private var droppedSinceWarning = 0

    init(
        descriptor: PluginDescriptor, plugin: any Plugin, context: PluginContext, timeout: Duration = .seconds(30),
        metrics: RapportMetrics = RapportMetrics()
    ) {
        self.descriptor = descriptor
        self.metrics = metrics
        self.plugin = plugin
        self.context = context
        self.timeout = timeout
        (queue, continuation) = AsyncStream.makeStream()
    }

    func start() {
        worker = Task { [queue] in
            for await work in queue {
                await self.perform(work)
                self.finishedOne()
            }
        }
        let period = min(max(timeout / 4, .milliseconds(10)), .seconds(1))
        watchdog = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                await self?.cancelOverdueWork()
            }
        }
    }

    private func cancelOverdueWork() {
        guard let running, ContinuousClock.now >= running.deadline, !runningTimedOut else { return }
        runningTimedOut = true
        running.task.cancel()
    }

    /// Queues work; events beyond ``maxQueued`` are dropped (commands and jobs never are).
    func enqueue(_ work: Work) {
        if case .event = work, pending >= Self.maxQueued {
            droppedSinceWarning += 1
            metrics.pluginEventDropped(plugin: descriptor.id)
            if droppedSinceWarning == 1 || droppedSinceWarning % 1000 == 0 {
                context.logger.warning("plugin queue full, dropping events", metadata: ["dropped": "\(droppedSinceWarning)"])
            }
            return
        }
        pending += 1
        metrics.pluginQueueDepth(plugin: descriptor.id, pending)
        continuation.yield(work)
    }

    /// Starts a job that runs every `interval`, queued like any other work.
    func schedule(every interval: Duration, name: String, _ job: @escaping @Sendable () async throws -> Void) {
        let time = context.time
        jobs.append(Task { [weak self] in
            while !Task.isCancelled {
                do { try await time.sleep(for: interval) } catch { return }
                await self?.enqueue(.job(name: name, job))
            }
        })
    }

    /// How many scheduled jobs run for this plugin.
    var jobCount: Int { jobs.count }

    /// Returns when nothing is queued or running.
    func idle() async {
        if pending == 0 { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stops the jobs and the queue, then lets the plugin clean up.
    func stop() async {
        jobs.forEach { $0.cancel() }
        continuation.finish()
        await worker?.value
        watchdog?.cancel()
        await plugin.shutdown()
    }

    private func finishedOne() {
        pending -= 1
        metrics.pluginQueueDepth(plugin: descriptor.id, pending)
        if pending == 0 {
            let waiters = idleWaiters
            idleWaiters = []
            waiters.forEach { $0.resume() }
        }
    }

    private func perform(_ work: Work) async {
        let (plugin, context) = (self.plugin, self.context)
        let started = ContinuousClock.now
        defer {
            if case .command(let command) = work {
                metrics.commandFinished(plugin: descriptor.id, command: command.name, after: ContinuousClock.now - started)
            }
        }
        let task = Task.detached {
            switch work {
            case .event(let event): try await plugin.handle(event, context: context)
            case .command(let command): try await plugin.execute(command, context: context)
            case .job(_, let job): try await job()
            }
        }
        running = (task, started + timeout)
        runningTimedOut = false
        defer { running = nil }
        do {
            try await task.value
        } catch {
            await report(runningTimedOut ? TimeoutError() : error, for: work)
        }
    }

    private func report(_ error: any Error, for work: Work) async {
        let kind =
            switch work {
            case .command: "command"
            case .event: "event"
            case .job: "job"
            }
        if !(error is any UserFacingError) { metrics.pluginError(plugin: descriptor.id, kind: kind) }
        switch work {
        case .command(let command):
            if let userFacing = error as? any UserFacingError {
                try? await context.reply(to: command, userFacing.reply)
                return
            }
            context.logger.error(
                "command failed",
                metadata: ["command": "\(command.name)", "error": "\(error)", "network": "\(command.network)"])
            try? await context.reply(to: command, "Sorry, something went wrong with that command.")
        case .event(let event):
            context.logger.error("event handler failed", metadata: ["error": "\(error)", "network": "\(event.network)"])
        case .job(let name, _):
            context.logger.error("scheduled job failed", metadata: ["job": "\(name)", "error": "\(error)"])
        }
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var description: String { "the plugin took too long and was cancelled" }
    }
}
