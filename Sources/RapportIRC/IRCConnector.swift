import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import RapportCore
import Synchronization

/// The ``Connector`` for one IRC network: connects (TCP or TLS), registers with CAP/SASL,
/// keeps the connection alive and reconnects, and turns IRC traffic into ``ChatEvent``s.
///
/// ```swift
/// let irc = IRCConnector(network: "libera", configuration: config, logger: logger)
/// let bot = Bot(configuration: …, store: …, plugins: …, connectors: [irc])
/// ```
///
/// Each network gets its own connector (and connection). The protocol logic lives in
/// ``IRCSessionStateMachine``; this type does the I/O, timers, flood-controlled output through
/// ``IRCOutputQueue`` and the reconnect loop (exponential backoff with full jitter).
///
/// The lines of one read from the server reach the runtime in one
/// ``EventSink/receive(_:)-([ChatEvent])``: one hop into the runtime per read, not per line.
public actor IRCConnector: Connector {
    public nonisolated let network: String
    public nonisolated let configuration: IRCConfiguration
    var logger: Logger
    let metrics: RapportMetrics
    /// Chat lines dropped because the queue was full (warned on the first and every 100th).
    private var droppedLines = 0

    var session: IRCSessionStateMachine?
    var queue: IRCOutputQueue
    var wantedChannels: [String]
    /// The nick and casemapping as the server last set them, readable without a hop.
    private let nickAndCasemapping: Mutex<(nick: String, casemapping: Casemapping)>
    var currentCasemapping: Casemapping { nickAndCasemapping.withLock { $0.casemapping } }
    var events: (any EventSink)?
    var activeChannel: (any Channel)?
    var fatal: IRCConnectorError?
    var writerWake: CheckedContinuation<Void, Never>?
    var onlineWaiters: [Int: (nick: String, continuation: CheckedContinuation<Bool?, Never>)] = [:]
    var nextWaiterID = 0
    var monitorStatus: [String: Bool] = [:]
    var registeredAt: Date?
    /// Whether ``run(events:)`` is running (connected, connecting or waiting to reconnect).
    var running = false
    /// Why the last connection attempt or connection ended, for ``health()``.
    var lastError: String?
    /// Connections that completed registration, for tests and metrics.
    public private(set) var registrations = 0
    /// Lines the parser rejected.
    public private(set) var malformedLines = 0
    /// The key for ECDSA-NIST256P-CHALLENGE, read by ``validate()``.
    var saslSigner: ECDSAChallengeSigner?
    /// Where STS policies outlive a restart; without a store they last as long as the connector.
    let stsPolicies: STSPolicyStore?
    /// The STS policy in force for the configured host (from the store, or learnt on this run;
    /// an upgrade without a duration yet lasts for the connector's life).
    var stsPolicy: STSPolicyStore.Entry?
    /// Set by an STS upgrade: reconnect with TLS now, without backoff.
    var reconnectNow = false

    /// - Parameter store: Keeps the STS policies the server announces (namespace `irc.sts`).
    public init(
        network: String, configuration: IRCConfiguration, store: (any Store)? = nil, logger: Logger,
        metrics: RapportMetrics = RapportMetrics()
    ) {
        self.stsPolicies = store.map { STSPolicyStore(store: $0) }
        self.network = network
        self.configuration = configuration
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "network"] = "\(network)"
        self.logger = logger
        self.nickAndCasemapping = Mutex((configuration.nick, .rfc1459))
        self.wantedChannels = configuration.channels
        self.queue = IRCOutputQueue(burst: configuration.flood.burst, perSecond: configuration.flood.perSecond, now: Date())
    }

    // MARK: - Connector

    public func run(events: any EventSink) async throws {
        self.events = events
        running = true
        defer { running = false }
        try validate()
        var attempt = 0
        while !Task.isCancelled {
            registeredAt = nil
            do {
                try await connectOnce()
                if !Task.isCancelled { lastError = "the connection was closed" }
            } catch let error as IRCConnectorError {
                lastError = "\(error)"
                throw error
            } catch {
                if Task.isCancelled { break }
                lastError = "\(error)"
                logger.warning("connection failed", metadata: ["error": "\(error)"])
            }
            if let fatal {
                lastError = fatal.message
                logger.error("stopping: \(fatal.message)", metadata: ["code": "\(fatal.code)"])
                throw fatal
            }
            if Task.isCancelled { break }
            if reconnectNow {
                reconnectNow = false
                continue
            }
            if let registeredAt, Date().timeIntervalSince(registeredAt) > 60 { attempt = 0 }
            if registeredAt != nil { attempt = min(attempt, 1) }
            let delay = Self.backoff(attempt: attempt, min: configuration.reconnect.min, max: configuration.reconnect.max)
            attempt += 1
            logger.info("reconnecting", metadata: ["delay_seconds": "\(String(format: "%.2f", delay))"])
            try? await Task.sleep(for: .seconds(delay))
        }
    }

    public func send(_ message: OutgoingMessage) async throws {
        let formatter = session ?? IRCSessionStateMachine(network: network, configuration: configuration, channels: [], now: Date())
        for line in formatter.lines(for: message) { enqueueChat(line) }
        wakeWriter()
    }

    public func join(_ channel: String) async throws {
        if !wantedChannels.contains(where: { currentCasemapping.equal($0, channel) }) { wantedChannels.append(channel) }
        guard var session else { return }
        let actions = session.join(channel)
        self.session = session
        await perform(actions)
    }

    public func part(_ channel: String, reason: String?) async throws {
        wantedChannels.removeAll { currentCasemapping.equal($0, channel) }
        guard var session else { return }
        let actions = session.part(channel, reason: reason)
        self.session = session
        await perform(actions)
    }

    public func isOnline(_ address: String) async -> Bool? {
        guard var session else { return nil }
        let (known, actions) = session.checkOnline(address)
        self.session = session
        if let known { return known }
        if let cached = monitorStatus[currentCasemapping.fold(address)] { return cached }
        guard !actions.isEmpty else { return nil }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withCheckedContinuation { continuation in
            onlineWaiters[id] = (address, continuation)
            Task {
                await self.perform(actions)
                try? await Task.sleep(for: .seconds(5))
                self.resolveWaiter(id, nil)
            }
        }
    }

    public nonisolated func currentNick() -> String { nickAndCasemapping.withLock { $0.nick } }

    public nonisolated func casemapping() -> Casemapping { nickAndCasemapping.withLock { $0.casemapping } }

    /// Channels we are in right now (for tests and status).
    public func joinedChannels() -> [String] { session?.joinedChannels ?? [] }

    /// Whether the connection is registered right now.
    public func isConnected() -> Bool { session?.isRegistered ?? false }

    public func status() async -> ConnectorStatus {
        isConnected() ? .connected : running ? .connecting : .disconnected
    }

    /// Whether the services account of `identity` (an identity of this network) is an operator
    /// in `channel`, from member tracking; `nil` while not connected.
    public func isOperator(_ identity: Identity, in channel: String) async -> Bool? {
        guard let session, session.isRegistered else { return nil }
        let prefix = "irc:\(network):"
        guard identity.rawValue.hasPrefix(prefix) else { return false }
        return session.isOperator(account: String(identity.rawValue.dropFirst(prefix.count)), in: channel)
    }

    public func health() async -> ConnectorHealth {
        ConnectorHealth(
            status: await status(), since: isConnected() ? registeredAt : nil, reconnects: max(registrations - 1, 0),
            lag: session?.lag, lastError: lastError, channels: session?.memberCounts ?? [:])
    }

    /// The services account we logged in to on this connection, if any.
    public func loggedInAccount() -> String? { session?.account }

    /// The services account we know for `nick` from member tracking (account-tag,
    /// extended-join, account-notify, WHOX), if any.
    public func account(of nick: String) -> String? { session?.account(of: nick) }

    /// Closes the current connection as if the network had dropped it (tests, `!reconnect`).
    public func dropConnection() { activeChannel?.close(promise: nil) }

    // MARK: - Connection

    private func validate() throws {
        if let (key, problem) = configuration.saslProblem {
            throw IRCConnectorError(.invalidConfiguration, "irc.\(key) on \(network): \(problem)")
        }
        if let path = configuration.sasl?.keyFile {
            do { saslSigner = try ECDSAChallengeSigner(pemFile: path) } catch {
                throw IRCConnectorError(.invalidConfiguration, error.description)
            }
        }
        if configuration.tls { _ = try IRCTLSContext(configuration: configuration) }
    }

    /// The configuration of the next connection: the configured one, moved to TLS on the
    /// policy's port while an STS policy for the host is in force (never back to plain text).
    func connectionConfiguration() async -> IRCConfiguration {
        guard !configuration.tls else { return configuration }
        if let stsPolicies {
            do {
                if let stored = try await stsPolicies.policy(for: configuration.host, now: Date()) { stsPolicy = stored }
            } catch {
                logger.error("could not read the STS policy", metadata: ["error": "\(error)"])
            }
        }
        guard let policy = stsPolicy, policy.expires > Date() else { return configuration }
        var secure = configuration
        secure.tls = true
        secure.port = policy.port
        return secure
    }

    /// Acts on the server's STS policy: an upgrade on a plain connection, or a duration to keep.
    private func applySTS(upgradeTo port: Int?, duration: Int?) async {
        guard let config = session?.configuration else { return }
        if let port {
            stsPolicy = .init(port: port, expires: .distantFuture)
            reconnectNow = true
            logger.notice("STS: reconnecting with TLS", metadata: ["port": "\(port)"])
            closeAfterQuit()
            return
        }
        guard let duration else { return }
        let entry = duration > 0 ? STSPolicyStore.Entry(port: config.port, expires: Date().addingTimeInterval(TimeInterval(duration))) : nil
        stsPolicy = entry
        logger.info("STS policy \(entry == nil ? "removed" : "kept")", metadata: ["host": "\(config.host)", "duration_seconds": "\(duration)"])
        do { try await stsPolicies?.keep(entry, for: config.host) } catch {
            logger.error("could not store the STS policy", metadata: ["error": "\(error)"])
        }
    }

    private func connectOnce() async throws {
        let configuration = await connectionConfiguration()
        let tls = configuration.tls ? try IRCTLSContext(configuration: configuration) : nil
        logger.info("connecting", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "tls": "\(configuration.tls)"])
        let channel = try await Self.bootstrap(configuration).connect(host: configuration.host, port: configuration.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if configuration.quickAck { try channel.pipeline.syncOperations.addHandler(IRCQuickAcknowledgement()) }
                if let tls { try channel.pipeline.syncOperations.addHandler(try tls.makeHandler()) }
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                return try NIOAsyncChannel<[ByteBuffer], ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        try await withTaskExecutorPreference(EventLoopTaskExecutor(channel.channel.eventLoop)) {
            try await serve(channel, configuration)
        }
        end()
    }

    /// Reads, writes and ticks on one connection until it closes.
    private func serve(_ channel: NIOAsyncChannel<[ByteBuffer], ByteBuffer>, _ configuration: IRCConfiguration) async throws {
        try await channel.executeThenClose { inbound, outbound in
            await self.begin(channel.channel, configuration)
            defer { Task { self.end() } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.writeLoop(outbound) }
                group.addTask { try await self.tickLoop() }
                do {
                    for try await lines in inbound {
                        await self.handle(lines)
                    }
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
            if Task.isCancelled {
                try? await outbound.write(Self.encode(IRCMessage("QUIT", "Rapport shutting down")))
            }
        }
    }

    /// How connections are made. NIO's client bootstrap already turns Nagle's algorithm off
    /// (`TCP_NODELAY` at the TCP level); nothing here needs a privilege the bot may not have.
    static func bootstrap(_ configuration: IRCConfiguration) -> ClientBootstrap {
        ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(configuration.connectTimeout * 1000)))
    }

    private func begin(_ channel: any Channel, _ configuration: IRCConfiguration) async {
        activeChannel = channel
        queue.connectionEnded()
        var session = IRCSessionStateMachine(
            network: network, configuration: configuration, channels: wantedChannels, now: Date(), saslSigner: saslSigner)
        let actions = session.start()
        self.session = session
        await perform(actions)
    }

    private func end() {
        guard activeChannel != nil || session != nil else { return }
        activeChannel = nil
        session = nil
        queue.connectionEnded()
        monitorStatus = [:]
        wakeWriter()
        for id in onlineWaiters.keys { resolveWaiter(id, nil) }
    }

    /// Handles the complete lines of one read, in order; their events reach the runtime together.
    private func handle(_ lines: [ByteBuffer]) async {
        // Taken out and put back, so that the state machine is not copied for every line.
        guard var session = self.session.take() else { return }
        let now = Date()
        var actions: [IRCSessionStateMachine.Action] = []
        for line in lines {
            switch IRCLineView.parse(line) {
            case .success(let message): actions += session.receive(message, now: now)
            case .failure(let error):
                malformedLines += 1
                logger.notice("skipped malformed line", metadata: ["reason": "\(error.reason)"])
            }
        }
        self.session = session
        nickAndCasemapping.withLock { $0 = (session.nick, session.support.casemapping) }
        await perform(actions)
    }

    private func tickLoop() async throws {
        let interval = min(1.0, max(0.05, configuration.pingInterval / 4))
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(interval))
            guard var session else { continue }
            let actions = session.tick(now: Date())
            self.session = session
            await perform(actions)
        }
    }

    /// Carries out `actions` in order; the events among them go to the runtime in one call.
    func perform(_ actions: [IRCSessionStateMachine.Action]) async {
        var emitted: [ChatEvent] = []
        for action in actions {
            switch action {
            case .send(let message):
                queue.enqueue(message, priority: true)
                wakeWriter()
            case .queue(let message):
                enqueueChat(message)
                wakeWriter()
            case .emit(let event):
                emitted.append(event)
            case .registered(let nick):
                registeredAt = Date()
                registrations += 1
                logger.info("registered", metadata: ["nick": "\(nick)", "account": "\(session?.account ?? "-")"])
            case .onlineStatus(let nick, let online):
                let folded = currentCasemapping.fold(nick)
                monitorStatus[folded] = online
                for (id, waiter) in onlineWaiters where currentCasemapping.fold(waiter.nick) == folded {
                    resolveWaiter(id, online)
                }
            case .disconnect(let reason):
                logger.warning("disconnecting: \(reason)")
                activeChannel?.close(promise: nil)
            case .fail(let error):
                fatal = error
                closeAfterQuit()
            case .upgradeToTLS(let port):
                await applySTS(upgradeTo: port, duration: nil)
            case .keepSTSPolicy(let duration):
                await applySTS(upgradeTo: nil, duration: duration)
            case .log(let level, let text):
                switch level {
                case .debug: logger.debug("\(text)")
                case .info: logger.info("\(text)")
                case .warning: logger.warning("\(text)")
                case .error: logger.error("\(text)")
                }
            }
        }
        if !emitted.isEmpty { await events?.receive(emitted) }
    }

    /// Closes the connection once the QUIT queued just before had a moment to leave.
    private func closeAfterQuit() {
        let channel = activeChannel
        Task {
            try? await Task.sleep(for: .milliseconds(200))
            channel?.close(promise: nil)
        }
    }

    private func resolveWaiter(_ id: Int, _ value: Bool?) {
        guard let waiter = onlineWaiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: value)
    }

    // MARK: - Output

    /// Queues a chat line; when the queue is full its oldest line goes, counted and logged.
    private func enqueueChat(_ line: IRCMessage) {
        guard queue.enqueue(line, priority: false) > 0 else { return }
        metrics.outgoingDropped(network: network)
        droppedLines += 1
        if droppedLines == 1 || droppedLines % 100 == 0 {
            logger.warning("outgoing queue full, dropping the oldest lines",
                metadata: ["capacity": "\(queue.capacity)", "dropped": "\(droppedLines)"])
        }
    }

    enum WriterStep {
        case write([ByteBuffer])
        case wait(TimeInterval?)
    }

    private func writeLoop(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        while !Task.isCancelled {
            switch nextWrites() {
            case .write(let buffers): try await outbound.write(contentsOf: buffers)
            case .wait(let timeout): await waitForWork(timeout: timeout)
            }
        }
    }

    private func nextWrites() -> WriterStep {
        var buffers: [ByteBuffer] = []
        let registered = session?.isRegistered ?? false
        let now = Date()
        while buffers.count < 64 {
            switch queue.next(now: now, registered: registered) {
            case .send(let message): buffers.append(Self.encode(message))
            case .wait(let seconds): return buffers.isEmpty ? .wait(seconds) : .write(buffers)
            case .idle: return buffers.isEmpty ? .wait(nil) : .write(buffers)
            }
        }
        return .write(buffers)
    }

    private func waitForWork(timeout: TimeInterval?) async {
        guard activeChannel != nil else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let old = writerWake { old.resume() }
                writerWake = continuation
                if let timeout {
                    Task {
                        try? await Task.sleep(for: .seconds(timeout))
                        self.wakeWriter()
                    }
                }
            }
        } onCancel: {
            Task { await self.wakeWriter() }
        }
    }

    private func wakeWriter() {
        writerWake?.resume()
        writerWake = nil
    }

    static func encode(_ message: IRCMessage) -> ByteBuffer {
        var line = message.serialized()
        line.append("\r\n")
        return ByteBuffer(string: line)
    }

    /// Exponential backoff with full jitter: uniform in [min, min(max, min·2^attempt)].
    static func backoff(attempt: Int, min: Double, max: Double) -> Double {
        let ceiling = Swift.min(max, min * pow(2, Double(Swift.min(attempt, 20))))
        return Double.random(in: min...Swift.max(min, ceiling))
    }
}
