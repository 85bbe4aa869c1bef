import CoreMetrics
import DequeModule
import Logging
import Synchronization

/// Runs one plugin instance: a queue of events, commands and jobs, handled one at a time.
///
/// Each plugin has its own runner, so a slow or failing plugin delays only itself. Queuing never
/// waits (the runtime hands work over without a hop), and one worker task runs the queue in
/// order, each piece of work inline. Work that takes longer than ``timeout`` is cancelled: one
/// watchdog per runner looks at the running work a few times per timeout and cancels the worker
/// running it; that worker reports the timeout and hands the rest of the queue to a new worker,
/// so work never overlaps and a message costs no task or timer of its own.
///
/// Events for a plugin that takes them in batches may be held back for a fuller batch
/// (``Plugin/eventBatchDelay``): the worker takes them once a batch is full, other work (a
/// command, a job) is queued behind them, or the delay since the first was held has passed —
/// one timer task per runner keeps that time. A busy channel then costs a wake-up and a commit
/// per batch, not per read.
final class PluginRunner: Sendable {
    enum Work: Sendable {
        case event(ChatEvent)
        case command(CommandInvocation)
        case job(name: String, @Sendable () async throws -> Void)
        /// Events queued one after another, handed over together (``Plugin/eventBatchSize``).
        case events([ChatEvent])
    }

    static let maxQueued = 2000

    let descriptor: PluginDescriptor
    let plugin: any Plugin
    let context: PluginContext
    let timeout: Duration
    /// The plugin's batch size when its events may be held back for a fuller batch, else 0.
    private let heldBatchSize: Int
    let metrics: RapportMetrics
    private let queueDepth: Gauge
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var queue = Deque<Work>()
        /// How many queued works are not events (commands, jobs).
        var queuedOther = 0
        /// Queued plus running.
        var pending = 0
        var stopped = false
        /// The worker, while it waits for work.
        var wakeWorker: CheckedContinuation<Void, Never>?
        /// Works accepted so far, and works finished; each waiter goes once `finished` reaches its mark.
        var accepted = 0
        var finished = 0
        var handledWaiters: [(mark: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var worker: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
        /// When the running work must be done.
        var deadline: ContinuousClock.Instant?
        var timedOut = false
        var jobs: [Task<Void, Never>] = []
        var droppedSinceWarning = 0
        /// The batch timer, while it waits to be armed.
        var batchTimer: CheckedContinuation<Void, Never>?
        var batchTimerArmed = false
        var batchTimerTask: Task<Void, Never>?
        /// Whether held-back events have waited the batch delay.
        var holdExpired = false
        /// Deliveries waited for outside the queue (``awaitDelivery(_:then:)``), by number.
        var deliveries: [Int: Task<Void, Never>] = [:]
        var deliveriesStarted = 0

        /// Whether the queue's events may wait for a fuller batch: only events are queued,
        /// fewer than a batch, the delay has not passed, and nobody waits for them (``handled()``).
        func mayHold(batchSize: Int) -> Bool {
            queuedOther == 0 && queue.count < batchSize && !holdExpired && !stopped && handledWaiters.isEmpty
        }
    }

    init(
        descriptor: PluginDescriptor, plugin: any Plugin, context: PluginContext, timeout: Duration = .seconds(30),
        metrics: RapportMetrics = RapportMetrics()
    ) {
        self.descriptor = descriptor
        self.metrics = metrics
        self.queueDepth = metrics.pluginQueueDepth(plugin: descriptor.id)
        self.plugin = plugin
        self.context = context
        self.timeout = timeout
        heldBatchSize = plugin.eventBatchDelay > .zero && plugin.eventBatchSize > 1 ? plugin.eventBatchSize : 0
    }

    func start() {
        startWorker()
        if heldBatchSize > 0 {
            let delay = plugin.eventBatchDelay
            let timer = Task { await self.runBatchTimer(delay: delay) }
            state.withLock { $0.batchTimerTask = timer }
        }
        let period = min(max(timeout / 4, .milliseconds(10)), .seconds(1))
        let watchdog = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                self?.cancelOverdueWork()
            }
        }
        state.withLock { $0.watchdog = watchdog }
    }

    private func startWorker() {
        let worker = Task { await self.runQueue() }
        state.withLock { $0.worker = worker }
    }

    private func runQueue() async {
        while var work = await next() {
            var count = 1
            if case .event(let first) = work, plugin.eventBatchSize > 1 {
                let more = queuedEvents(atMost: plugin.eventBatchSize - 1)
                (work, count) = (.events([first] + more), 1 + more.count)
            }
            await perform(work)
            finished(count)
            // Cancelled: this work overran; a fresh worker (not cancelled) takes the rest.
            if Task.isCancelled { return startWorker() }
        }
    }

    /// The events at the front of the queue, up to the first other work.
    private func queuedEvents(atMost limit: Int) -> [ChatEvent] {
        state.withLock { state in
            var events: [ChatEvent] = []
            while events.count < limit, case .event(let event) = state.queue.first {
                events.append(event)
                state.queue.removeFirst()
            }
            return events
        }
    }

    /// The next work in the queue; waits while it is empty or its events are held back for a
    /// fuller batch, `nil` once stopped and drained.
    private func next() async -> Work? {
        while true {
            let (taken, arm): (Work??, CheckedContinuation<Void, Never>?) = state.withLock { state in
                if !state.queue.isEmpty, !state.mayHold(batchSize: heldBatchSize), let work = state.queue.popFirst() {
                    if case .event = work {} else { state.queuedOther -= 1 }
                    state.holdExpired = false
                    return (.some(work), nil)
                }
                if state.queue.isEmpty, state.stopped { return (.some(nil), nil) }
                return (nil, state.queue.isEmpty ? nil : Self.armBatchTimer(&state))
            }
            arm?.resume()
            if let taken { return taken }
            await withCheckedContinuation { continuation in
                let waits = state.withLock { state in
                    guard state.queue.isEmpty || state.mayHold(batchSize: heldBatchSize) else { return false }
                    state.wakeWorker = continuation
                    return true
                }
                if !waits { continuation.resume() }
            }
        }
    }

    /// Arms the batch timer unless it is armed; returns its continuation to resume (outside the lock).
    private static func armBatchTimer(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard !state.batchTimerArmed, state.batchTimerTask != nil else { return nil }
        state.batchTimerArmed = true
        defer { state.batchTimer = nil }
        return state.batchTimer
    }

    /// Each time it is armed, waits `delay`, then lets the held-back events go.
    private func runBatchTimer(delay: Duration) async {
        while !Task.isCancelled {
            await withCheckedContinuation { continuation in
                let armed = state.withLock { state in
                    if state.batchTimerArmed || state.stopped { return true }
                    state.batchTimer = continuation
                    return false
                }
                if armed { continuation.resume() }
            }
            try? await Task.sleep(for: delay)
            let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.batchTimerArmed = false
                state.holdExpired = true
                defer { state.wakeWorker = nil }
                return state.wakeWorker
            }
            wake?.resume()
        }
    }

    private func cancelOverdueWork() {
        let overdue = state.withLock { state -> Task<Void, Never>? in
            guard let deadline = state.deadline, ContinuousClock.now >= deadline, !state.timedOut else { return nil }
            state.timedOut = true
            return state.worker
        }
        overdue?.cancel()
    }

    /// Queues work; events beyond ``maxQueued`` are dropped (commands and jobs never are).
    func enqueue(_ work: Work) { enqueue([work]) }

    /// Queues several pieces of work in order, waking the worker once (a read's events).
    func enqueue(_ works: [Work]) {
        enum Outcome {
            case queued(depth: Int, dropped: Int, droppedSinceWarning: Int, wake: CheckedContinuation<Void, Never>?), ignored
        }
        var arm: CheckedContinuation<Void, Never>?
        let outcome = state.withLock { state -> Outcome in
            if state.stopped { return .ignored }
            var dropped = 0
            for work in works {
                if case .event = work {
                    if state.pending >= Self.maxQueued {
                        dropped += 1
                        continue
                    }
                } else {
                    state.queuedOther += 1
                }
                state.pending += 1
                state.accepted += 1
                state.queue.append(work)
            }
            state.droppedSinceWarning += dropped
            var wake: CheckedContinuation<Void, Never>?
            if !state.queue.isEmpty, state.wakeWorker != nil {
                if state.mayHold(batchSize: heldBatchSize) {
                    arm = Self.armBatchTimer(&state)
                } else {
                    (wake, state.wakeWorker) = (state.wakeWorker, nil)
                }
            }
            return .queued(depth: state.pending, dropped: dropped, droppedSinceWarning: state.droppedSinceWarning, wake: wake)
        }
        arm?.resume()
        guard case .queued(let depth, let dropped, let total, let wake) = outcome else { return }
        queueDepth.record(depth)
        wake?.resume()
        guard dropped > 0 else { return }
        metrics.pluginEventsDropped(plugin: descriptor.id, count: dropped)
        // Warned on the first drop and then every 1,000.
        if total == dropped || total / 1000 > (total - dropped) / 1000 {
            context.logger.warning("plugin queue full, dropping events", metadata: ["dropped": "\(total)"])
        }
    }

    /// Starts a job that runs every `interval`, queued like any other work.
    func schedule(every interval: Duration, name: String, _ job: @escaping @Sendable () async throws -> Void) {
        let time = context.time
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do { try await time.sleep(for: interval) } catch { return }
                self?.enqueue(.job(name: name, job))
            }
        }
        state.withLock { $0.jobs.append(task) }
    }

    /// How many scheduled jobs run for this plugin.
    var jobCount: Int { state.withLock { $0.jobs.count } }

    /// Runs `delivery` in a task of its own, then queues `outcome` with its error (or `nil`) as
    /// a job: waiting for a network holds up neither the queue nor ``handled()``. The connectors'
    /// bounded queues bound how many wait (a full one fails a delivery at once); an outcome that
    /// arrives after ``stop()`` is dropped.
    func awaitDelivery(
        _ delivery: @escaping @Sendable () async throws -> Void, then outcome: @escaping @Sendable ((any Error)?) async throws -> Void
    ) {
        state.withLock { state in
            state.deliveriesStarted += 1
            let number = state.deliveriesStarted
            state.deliveries[number] = Task {
                let failure: (any Error)?
                do {
                    try await delivery()
                    failure = nil
                } catch {
                    failure = error
                }
                self.enqueue(.job(name: "delivery outcome") { try await outcome(failure) })
                _ = self.state.withLock { $0.deliveries.removeValue(forKey: number) }
            }
        }
    }

    /// Returns once no delivery is waited for: each outcome is queued.
    func deliveriesSettled() async {
        while let waiting = state.withLock({ $0.deliveries.isEmpty ? nil : Array($0.deliveries.values) }) {
            for delivery in waiting { await delivery.value }
        }
    }

    /// Returns once the work queued before the call is done (an event batch's transaction
    /// committed); events held back for a fuller batch go at once.
    func handled() async {
        await withCheckedContinuation { continuation in
            let (waits, wake) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard state.finished < state.accepted else { return (false, nil) }
                state.handledWaiters.append((state.accepted, continuation))
                guard !state.queue.isEmpty, let wake = state.wakeWorker else { return (true, nil) }
                state.wakeWorker = nil
                return (true, wake)
            }
            wake?.resume()
            if !waits { continuation.resume() }
        }
    }

    /// Stops the jobs, runs what is queued, then lets the plugin clean up.
    func stop() async {
        let (jobs, wake, watchdog, timer, timerWait) = state.withLock { state in
            state.stopped = true
            defer { (state.wakeWorker, state.batchTimer) = (nil, nil) }
            return (state.jobs, state.wakeWorker, state.watchdog, state.batchTimerTask, state.batchTimer)
        }
        jobs.forEach { $0.cancel() }
        timer?.cancel()
        timerWait?.resume()
        wake?.resume()
        // A worker whose work timed out hands over to a new one: wait for the last.
        var finished: Task<Void, Never>?
        while let worker = state.withLock({ $0.worker }), worker != finished {
            await worker.value
            finished = worker
        }
        watchdog?.cancel()
        await plugin.shutdown()
    }

    private func finished(_ count: Int) {
        let (depth, waiters) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            state.pending -= count
            state.finished += count
            let finished = state.finished
            let done = state.handledWaiters.filter { $0.mark <= finished }.map(\.continuation)
            if !done.isEmpty { state.handledWaiters.removeAll { $0.mark <= finished } }
            return (state.pending, done)
        }
        queueDepth.record(depth)
        waiters.forEach { $0.resume() }
    }

    private func perform(_ work: Work) async {
        let started = ContinuousClock.now
        state.withLock { state in
            state.deadline = started + timeout
            state.timedOut = false
        }
        do {
            switch work {
            case .event(let event): try await plugin.handle(event, context: context)
            case .command(let command): try await plugin.execute(command, context: context)
            case .job(_, let job): try await job()
            case .events(let events): try await handleTogether(events)
            }
            state.withLock { $0.deadline = nil }
        } catch {
            let timedOut = state.withLock { state in
                state.deadline = nil
                return state.timedOut
            }
            // Reported from a task of its own: this one may be cancelled, and the apology must go out.
            await Task { await self.report(timedOut ? TimeoutError() : error, for: work) }.value
        }
        if case .command(let command) = work {
            metrics.commandFinished(plugin: descriptor.id, command: command.name, after: ContinuousClock.now - started)
        }
    }

    /// Hands `events` to the plugin in one store transaction, each in a savepoint of its own:
    /// one commit for the lot, and an event whose handler fails takes back only its own writes.
    /// After a timeout the rest of the batch is skipped (and counted in the log).
    private func handleTogether(_ events: [ChatEvent]) async throws {
        let database = context.store.database
        let handled = try await database.transaction { _ in
            var handled = 0
            for event in events {
                do {
                    try await database.transaction { _ in try await self.plugin.handle(event, context: self.context) }
                } catch where !Task.isCancelled {
                    await self.report(error, for: .event(event))
                }
                if Task.isCancelled { break }
                handled += 1
            }
            return handled
        }
        if handled < events.count {
            context.logger.error("events skipped after a timeout", metadata: ["skipped": "\(events.count - handled)"])
            throw TimeoutError()
        }
    }

    private func report(_ error: any Error, for work: Work) async {
        let kind =
            switch work {
            case .command: "command"
            case .event, .events: "event"
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
        case .events(let events):
            context.logger.error("event handlers failed", metadata: ["error": "\(error)", "events": "\(events.count)"])
        case .job(let name, _):
            context.logger.error("scheduled job failed", metadata: ["job": "\(name)", "error": "\(error)"])
        }
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var description: String { "the plugin took too long and was cancelled" }
    }
}
