import CoreMetrics
import Foundation
import Synchronization
public import Logging

/// The runtime: takes events from every connector, hands them to the enabled plugins, routes
/// commands and sends replies.
///
/// ```
/// IRC ─┐                      ┌─▶ PluginRunner(core)   ─▶ reply ─┐
/// Matrix ─┼─▶ Bot.receive ─▶ route ┼─▶ PluginRunner(thanks) ─▶ …      ├─▶ Connector.send
/// console ┘                      └─▶ PluginRunner(admin)  ─▶ …      ┘
/// ```
public actor Bot: EventSink {
    /// The file's part of the configuration; replaced by ``reconfigure(_:)`` (SIGHUP).
    private(set) var configuration: BotConfiguration {
        didSet { forgetAnswers() }
    }
    /// ``BotConfiguration/textRetention`` as it is now, readable without waiting for the actor.
    nonisolated let currentTextRetention: Mutex<Duration>
    let store: any Store
    let time: any TimeSource
    let logger: Logger
    let metrics: RapportMetrics
    /// The plugins on offer; a ``SelfDescribingPlugin`` updates its descriptor when it starts.
    private(set) var registrations: [PluginRegistration] {
        didSet { forgetAnswers() }
    }
    /// The connectors by network; read without waiting for the actor (every message asks for the
    /// network's casemapping and the bot's nick).
    private let connectorTable = Mutex<[String: any Connector]>([:])
    nonisolated var connectors: [String: any Connector] { connectorTable.withLock { $0 } }
    var state = RuntimeState() {
        didSet { forgetAnswers() }
    }
    /// Settings and switches as computed for each place, until the file or the run-time state
    /// changes; plugins read a known answer without waiting for the actor (``knownSettings``).
    nonisolated let answers = Mutex(PlaceAnswers())
    var runners: [String: PluginRunner] = [:]
    /// `rapport_messages_received_total` by network, kept rather than looked up per message.
    private var receivedCounters: [String: Counter] = [:]
    /// Plugins whose start failed, with the reason.
    var failures: [String: String] = [:]
    /// Networks whose connector stopped for good (``ConnectorStatus/failed``).
    private var failedNetworks: Set<String> = []
    /// When ``start()`` ran, for the uptime on the dashboard.
    private(set) var startedAt: Date?
    /// Each person's command token bucket, kept until it is full again.
    var commandBuckets: ExpiringTable<String, TokenBucket>
    /// Per-plugin output limits, by plugin id.
    var outputBuckets: [String: TokenBucket] = [:]
    var outputDropped: [String: Int] = [:]
    /// Who got a hint (an unknown or switched-off command) in the last five minutes.
    var hintsGiven = ExpiringTable<String, Date>(capacity: Bot.peopleTracked, lifetime: 300)
    /// Jobs a plugin scheduled while starting, before its runner existed.
    var jobsAwaitingRunner: [String: [(interval: Duration, name: String, job: @Sendable () async throws -> Void)]] = [:]

    /// - Parameters:
    ///   - configuration: Validated with ``BotConfiguration/validated(against:)``.
    ///   - plugins: The plugins to offer, in the order `!help` lists them.
    ///   - metrics: Where counts and timings go (see ``RapportMetrics``).
    public init(
        configuration: BotConfiguration, store: any Store, plugins: [PluginRegistration],
        connectors: [any Connector], time: any TimeSource = SystemTime(), logger: Logger = Logger(label: "rapport"),
        metrics: RapportMetrics = RapportMetrics()
    ) {
        self.configuration = configuration
        commandBuckets = Self.commandBuckets(for: configuration)
        currentTextRetention = Mutex(configuration.textRetention)
        self.store = store
        self.registrations = plugins
        self.time = time
        self.logger = logger
        self.metrics = metrics
        connectorTable.withLock { table in
            for connector in connectors { table[connector.network] = connector }
        }
    }

    /// Loads state, starts the plugins, and runs every connector until the task is cancelled or
    /// all connectors have ended (the console at the end of its input).
    ///
    /// A connector that fails for good (a refused login) stops alone: it is logged, counted
    /// (`rapport_connector_failures_total`) and reported as ``ConnectorStatus/failed``, and the
    /// other networks go on.
    ///
    /// - Throws: The first connector's error when every connector failed: nothing is left to serve.
    public func run() async throws {
        try await start()
        let connectors = Array(self.connectors.values)
        let errors = await withTaskGroup(of: (any Error)?.self) { group in
            for connector in connectors {
                group.addTask { await self.run(connector) }
            }
            var errors: [any Error] = []
            for await error in group { if let error { errors.append(error) } }
            return errors
        }
        if let first = errors.first, errors.count == connectors.count {
            await stop()
            throw first
        }
        if Task.isCancelled { logger.info("shutting down") }
        await settle()
        await stop()
    }

    /// Runs one connector; returns the error that stopped it for good, if any.
    private func run(_ connector: any Connector) async -> (any Error)? {
        do {
            try await connector.run(events: self)
            return nil
        } catch is CancellationError {
            return nil
        } catch {
            failedNetworks.insert(connector.network)
            metrics.connectorFailed(network: connector.network)
            logger.error("connector stopped by an error retrying cannot fix; other networks go on",
                metadata: ["network": "\(connector.network)", "error": "\(error)"])
            return error
        }
    }

    /// Loads state and starts the plugins, without running connectors (tests drive ``receive(_:)``).
    public func start() async throws {
        startedAt = time.now
        try await store.migrate(RuntimeState.namespace, CoreMigrations.all)
        state = try await RuntimeState.load(from: store)
        await joinStoredChannels()
        for registration in registrations { await startPlugin(registration) }
    }

    /// Joins the channels joined at run time, on every network or only on `network`.
    private func joinStoredChannels(on network: String? = nil) async {
        for (key, joined) in state.channels where joined {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2, network == nil || parts[0] == network, let connector = connectors[parts[0]] {
                try? await connector.join(parts[1])
            }
        }
    }

    public func networkTakenOver(_ network: String) async {
        do {
            state = try await RuntimeState.load(from: store)
        } catch {
            logger.error("could not reload the run-time state", metadata: ["network": "\(network)", "error": "\(error)"])
        }
        await joinStoredChannels(on: network)
    }

    /// Stops every plugin.
    public func stop() async {
        for runner in runners.values { await runner.stop() }
        runners = [:]
    }

    func startPlugin(_ registration: PluginRegistration) async {
        let id = registration.descriptor.id
        var pluginLogger = Logger(label: "rapport.plugin.\(id)")
        pluginLogger.logLevel = logger.logLevel
        pluginLogger[metadataKey: "plugin"] = "\(id)"
        let context = PluginContext(
            descriptor: registration.descriptor, logger: pluginLogger,
            store: PluginStore(namespace: id, database: store), time: time, bot: self)
        do {
            let plugin = try await registration.make(context)
            var descriptor = registration.descriptor
            if let described = plugin as? any SelfDescribingPlugin, described.descriptor.id == id,
                described.descriptor != descriptor
            {
                descriptor = described.descriptor
                updateDescriptor(descriptor)
            }
            let runner = PluginRunner(
                descriptor: descriptor, plugin: plugin, context: context, timeout: configuration.pluginTimeout, metrics: metrics)
            runner.start()
            runners[id] = runner
            failures[id] = nil
            for job in jobsAwaitingRunner.removeValue(forKey: id) ?? [] {
                runner.schedule(every: job.interval, name: job.name, job.job)
            }
        } catch {
            jobsAwaitingRunner[id] = nil
            failures[id] = "\(error)"
            logger.error("plugin failed to start", metadata: ["plugin": "\(id)", "error": "\(error)"])
        }
    }

    /// Takes a descriptor announced by a running plugin, and checks the file's settings for it.
    private func updateDescriptor(_ descriptor: PluginDescriptor) {
        guard let index = registrations.firstIndex(where: { $0.descriptor.id == descriptor.id }) else { return }
        registrations[index].descriptor = descriptor
        do {
            configuration = try configuration.validated(against: registrations.map(\.descriptor))
        } catch {
            // The values stay; typed reads of a value of the wrong kind fall back to defaults.
            logger.error(
                "the configuration file's settings do not fit the plugin's new descriptor",
                metadata: ["plugin": "\(descriptor.id)", "error": "\(error)"])
        }
    }

    /// The descriptors of every plugin on offer, as the running plugins describe themselves.
    public var descriptors: [PluginDescriptor] { registrations.map(\.descriptor) }

    /// Replaces the file's part of the configuration (owners, plugin settings and switches,
    /// limits) while everything keeps running; the next event sees the new values.
    ///
    /// - Parameter configuration: Validated against ``descriptors``.
    public func reconfigure(_ configuration: BotConfiguration) {
        self.configuration = configuration
        currentTextRetention.withLock { $0 = configuration.textRetention }
        commandBuckets = Self.commandBuckets(for: configuration)
        outputBuckets = [:]
        logger.notice("configuration replaced", metadata: ["owners": "\(configuration.owners.count)"])
    }

    // MARK: - Events

    /// Routes each command to its plugin and queues the other events for the plugins that handle
    /// events: each runner gets a read's events in one piece, and a command only after the events
    /// before it.
    public func receive(_ events: [ChatEvent]) async {
        var queued: [String: [PluginRunner.Work]] = [:]
        func handOver() {
            for (id, works) in queued { runners[id]?.enqueue(works) }
            queued.removeAll(keepingCapacity: true)
        }
        for event in events {
            if case .message = event.kind, !event.isOwn { receivedCounter(event.network).increment() }
            if case .message(let message) = event.kind, event.isCommandCandidate,
                let match = parseCommand(message.text, in: event)
            {
                handOver()
                await route(match, event: event)
                continue
            }
            if isTracked(event.sender, on: event.network) {
                for registration in registrations where registration.descriptor.handlesEvents {
                    let id = registration.descriptor.id
                    guard runners[id] != nil, isEnabled(id, for: event) else { continue }
                    queued[id, default: []].append(.event(event))
                }
            }
            if await event.isBotLeaving(botNick: nick(on: event.network), casemapping: casemapping(of: event.network)), let channel = event.channel {
                forgetAnswers(network: event.network, channel: channel)
            }
        }
        handOver()
    }

    /// Whether `plugin` gets `event`. An invite names a channel the bot is not in: its answer is
    /// computed but not kept, so invites (any number of them) leave nothing behind.
    private func isEnabled(_ plugin: String, for event: ChatEvent) -> Bool {
        if event.kind == .invite { return layeredSwitch(plugin, network: event.network, channel: event.channel) }
        return isEnabled(plugin, network: event.network, channel: event.channel)
    }

    private func receivedCounter(_ network: String) -> Counter {
        if let counter = receivedCounters[network] { return counter }
        let counter = metrics.messagesReceived(network: network)
        receivedCounters[network] = counter
        return counter
    }

    public func settle() async {
        // Work can queue more work (a command that sends to the console, which answers; a
        // delivery's outcome), so make several passes.
        for _ in 0..<8 {
            await handled()
            for runner in runners.values { await runner.deliveriesSettled() }
        }
    }

    public func handled() async {
        for runner in runners.values { await runner.handled() }
    }

    // MARK: - Output

    /// The output bucket of what the runtime itself says (refusals, hints).
    static let runtimeOutput = "rapport"

    /// Sends a plugin's message, within the plugin's output limit: a token per line.
    ///
    /// - Throws: ``CommandError/Code/rateLimited`` when the plugin has used up its limit; the
    ///   message is dropped.
    func send(_ message: OutgoingMessage, on network: String, from plugin: String) async throws {
        try takeOutputTokens(plugin, for: message)
        try await send(message, on: network)
    }

    func send(_ message: OutgoingMessage, on network: String) async throws {
        try await connector(network).send(message)
        metrics.messageSent(network: network)
    }

    /// Sends a plugin's message within its output limit, waits for its delivery in a task of
    /// its own, and queues `outcome` in the plugin's queue (``PluginContext/send(_:on:outcome:)``).
    func send(
        _ message: OutgoingMessage, on network: String, from plugin: String,
        outcome: @escaping @Sendable ((any Error)?) async throws -> Void
    ) throws {
        guard let runner = runners[plugin] else { throw CommandError(.unavailable, "The \(plugin) plugin is not running.") }
        try takeOutputTokens(plugin, for: message)
        let connector = try connector(network)
        let metrics = self.metrics
        runner.awaitDelivery({
            try await connector.deliver(message)
            metrics.messageSent(network: network)
        }, then: outcome)
    }

    private func connector(_ network: String) throws -> any Connector {
        guard let connector = connectors[network] else { throw CommandError(.unavailable, "I am not connected to \(network).") }
        return connector
    }

    /// Answers `event` in its channel (or privately), within the output limit of `plugin`.
    func reply(to event: ChatEvent, _ text: String, from plugin: String = Bot.runtimeOutput) async throws {
        let target: OutgoingMessage.Target = event.channel.map { .channel($0) } ?? .user(address: event.sender.address)
        let message = OutgoingMessage(to: target, text: text, style: .reply, replyTo: event.id)
        try await send(message, on: event.network, from: plugin)
    }

    /// Takes a token per line of `message` from `plugin`'s output bucket.
    private func takeOutputTokens(_ plugin: String, for message: OutgoingMessage) throws {
        let lines = message.text.split(whereSeparator: \.isNewline).count
        let now = time.now
        var bucket = outputBuckets[plugin] ?? TokenBucket(
            capacity: Double(configuration.pluginOutputBurst), refillPerSecond: configuration.pluginOutputPerSecond, now: now)
        let allowed = bucket.take(Double(max(lines, 1)), now: now)
        outputBuckets[plugin] = bucket
        if allowed {
            outputDropped[plugin] = nil
            return
        }
        let dropped = outputDropped[plugin, default: 0] + 1
        outputDropped[plugin] = dropped
        if dropped == 1 || dropped % 100 == 0 {
            logger.warning("plugin output over its limit, dropping messages", metadata: ["plugin": "\(plugin)", "dropped": "\(dropped)"])
        }
        throw CommandError(.rateLimited, "The \(plugin) plugin is sending too much; try again in a few seconds.")
    }

    /// How many scheduled jobs the plugins run (tests wait for them to be asleep).
    public var scheduledJobCount: Int {
        get async {
            var count = 0
            for runner in runners.values { count += runner.jobCount }
            return count
        }
    }

    func schedule(plugin: String, every interval: Duration, name: String, _ job: @escaping @Sendable () async throws -> Void) async {
        if let runner = runners[plugin] {
            runner.schedule(every: interval, name: name, job)
        } else {
            jobsAwaitingRunner[plugin, default: []].append((interval, name, job))
        }
    }

    func isOnline(_ address: String, on network: String) async -> Bool? {
        await connectors[network]?.isOnline(address)
    }

    nonisolated func nick(on network: String) -> String? { connectors[network]?.currentNick() }

    nonisolated func casemapping(of network: String) -> Casemapping {
        connectors[network]?.casemapping() ?? .rfc1459
    }

    /// The state of every connector, by network, for readiness checks.
    public func networkStatus() async -> [String: ConnectorStatus] {
        await networkHealth().mapValues(\.status)
    }

    /// What every connector knows of its link, by network; a connector stopped for good is
    /// ``ConnectorStatus/failed``.
    func networkHealth() async -> [String: ConnectorHealth] {
        var result: [String: ConnectorHealth] = [:]
        for (network, connector) in connectors {
            var health = await connector.health()
            if failedNetworks.contains(network) { health.status = .failed }
            result[network] = health
        }
        return result
    }

    /// Whether this instance serves `network`: `false` only while another instance sharing the
    /// store does (see ``ConnectorStatus/standby``).
    func serves(_ network: String) async -> Bool {
        await connectors[network]?.status() != .standby
    }

    /// Adds a connector after start (used by tests and by networks added on reload).
    public func add(_ connector: any Connector) { connectorTable.withLock { $0[connector.network] = connector } }
}

extension ChatEvent {
    /// Whether the runtime may treat this event as a command: a live message from a person.
    var isCommandCandidate: Bool { !isOwn && !isHistory && !sender.isBot }
}
