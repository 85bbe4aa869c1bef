import Foundation
public import Logging
public import RapportCore
import RapportMatrixCrypto
import Synchronization

/// A Matrix account as a ``Connector``: logs in, long-polls `/sync`, turns room events into
/// ``ChatEvent``s, and sends messages, replies and DMs.
///
/// ```swift
/// let matrix = MatrixConnector(network: "example", configuration: config, store: store, logger: logger)
/// let bot = Bot(configuration: botConfig, store: store, plugins: plugins, connectors: [matrix])
/// ```
///
/// Channels are room IDs (`!abc:example.org`); ``join(_:)``, ``part(_:reason:)`` and
/// ``send(_:)`` also take aliases (`#lobby:example.org`). A direct message goes to the DM room
/// recorded in the bot's `m.direct`, created on first use. Messages in DM rooms arrive with
/// `channel == nil`. See ``MatrixConfiguration`` for invites and ``MatrixSessionStore`` for what
/// is persisted. With `encryption.enabled` the bot reads encrypted rooms (see
/// `MatrixConnector+Encryption.swift`) and never sends plaintext there; without it, in an
/// encrypted room the bot says once that it cannot read it, and logs it.
public actor MatrixConnector: Connector {
    public nonisolated let network: String
    let configuration: MatrixConfiguration
    let logger: Logger
    let saved: MatrixSessionStore
    private(set) var client: MatrixClient
    /// The device's end-to-end encryption, once the session started with `encryption.enabled`.
    var crypto: (any EndToEndEncryption)?
    private var session: Task<Session, any Error>?
    private var translator: MatrixEventTranslator?
    /// The bot's display name (its localpart until the homeserver tells), readable without a hop.
    private let displayName: Mutex<String>
    private var aliases: [String: String] = [:]
    private var directCreation: [String: Task<String, any Error>] = [:]
    private var transactionCount = 0
    private let transactionPrefix: String
    private var seenWritten: [String] = []
    /// Connected once a `/sync` succeeds, connecting while it fails or before the first.
    private var link = ConnectorStatus.disconnected
    /// When `/sync` last started answering again (the first time after logging in, or after failures).
    private var syncingSince: Date?
    /// How many times `/sync` answered again after failing.
    private var syncRecoveries = 0
    /// The last failed `/sync` or login, for ``health()``: the error only, never a token or message text.
    private var lastError: String?
    let metrics: RapportMetrics
    /// Messages to send, oldest first, for the sender task (`MatrixConnector+Outbox.swift`).
    var outbox: [Queued] = []
    var outboxWake: CheckedContinuation<Void, Never>?
    var outboxDropped = 0
    /// The most messages ``outbox`` holds; past that a send is refused.
    static let outboxCapacity = 256

    struct Session: Sendable {
        var userID: String
        var deviceID: String?
    }

    /// The `/sync` filter: lazy-loaded members, a larger timeline, no presence.
    nonisolated var filter: String {
        #"{"room":{"state":{"lazy_load_members":true},"timeline":{"limit":\#(configuration.timelineLimit),"lazy_load_members":true}},"presence":{"not_types":["*"]}}"#
    }

    public init(
        network: String, configuration: MatrixConfiguration, store: any Store, logger: Logger, metrics: RapportMetrics = RapportMetrics()
    ) {
        self.network = network
        self.metrics = metrics
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "network"] = "\(network)"
        self.logger = logger
        self.saved = MatrixSessionStore(store: store, network: network)
        self.client = MatrixClient(homeserver: configuration.homeserver, logger: logger)
        self.displayName = Mutex(MatrixIdentifiers.localpart(of: configuration.userID))
        self.transactionPrefix = "rapport.\(Int(Date().timeIntervalSince1970 * 1000)).\(UInt32.random(in: 0...UInt32.max))"
    }

    // MARK: - Connector

    public func run(events: any EventSink) async throws {
        link = .connecting
        let sender = Task { await self.serveOutbox() }
        defer {
            link = .disconnected
            sender.cancel()
        }
        while true {
            do {
                try Task.checkCancellation()
                try await runSession(events)
            } catch is CancellationError {
                return
            } catch let error as MatrixError where error.code == .unknownToken {
                if configuration.password == nil {
                    throw MatrixError(.configuration, "the configured access_token for \(configuration.userID) is not valid (any more); set a new one or use password")
                }
                logger.warning("access token refused; logging in again")
                session = nil
                try? await saved.set("access_token", nil)
            } catch let error as MatrixError where error.code == .configuration {
                logger.error("Matrix connector stopped", metadata: ["error": "\(error)"])
                noteFailure(error)
                throw error
            } catch {
                if Task.isCancelled { return }
                logger.warning("Matrix session failed; starting over in 5 s", metadata: ["error": "\(error)"])
                noteFailure(error)
                link = .connecting
                session = nil
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    /// Queues `message` for the sender task and returns.
    ///
    /// - Throws: ``MatrixError/Code/queueFull`` when the queue is full.
    public func send(_ message: OutgoingMessage) async throws {
        try queue(message)
    }

    /// Queues `message` and waits until the homeserver took it.
    ///
    /// - Throws: ``MatrixError/Code/queueFull`` when the queue is full, the homeserver's refusal
    ///   (after the client's retries), or `CancellationError` when the connector stopped first.
    public func deliver(_ message: OutgoingMessage) async throws {
        try await withCheckedThrowingContinuation { waiter in
            do { try queue(message, waiter: waiter) } catch { waiter.resume(throwing: error) }
        }
    }

    /// Sends `message` now, retrying as the client does (the sender task's part).
    func post(_ message: OutgoingMessage) async throws {
        let me = try await currentSession()
        let text = MatrixMessageFormatter.sanitized(message.text)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let roomID: String =
            switch message.target {
            case .channel(let channel): try await roomID(for: channel)
            case .user(let address): try await directRoom(with: address)
            }
        let msgtype =
            switch message.style {
            case .reply: configuration.replyMsgtype.rawValue
            case .message: "m.text"
            case .action: "m.emote"
            }
        let reply = message.replyTo.map { id in
            let info = translator?.recentEvent(id.rawValue)
            return MatrixMessageFormatter.ReplyContext(eventID: id.rawValue, sender: info?.sender, threadRoot: info?.threadRoot)
        }
        if translator?.room(roomID)?.isEncrypted == true {
            // Sending into encrypted rooms is not built yet: never fall back to plaintext.
            throw MatrixError(.encryptedRoom, "\(roomID) is end-to-end encrypted and the bot cannot encrypt messages yet; nothing was sent")
        }
        let members = (translator?.room(roomID)?.displayNames) ?? [:]
        let content = MatrixMessageFormatter(members: members, ownUserID: me.userID)
            .content(text: text, msgtype: msgtype, replyTo: reply)
        _ = try await client.send(roomID, type: "m.room.message", content: content, transactionID: nextTransactionID())
    }

    public func join(_ channel: String) async throws {
        _ = try await currentSession()
        let roomID = try await client.join(channel)
        if channel.hasPrefix("#") { aliases[channel] = roomID }
        translator?.noteJoined(roomID)
        logger.info("joined room", metadata: ["room": "\(channel)", "room_id": "\(roomID)"])
    }

    public func part(_ channel: String, reason: String?) async throws {
        _ = try await currentSession()
        let roomID = try await roomID(for: channel)
        try await client.leave(roomID, reason: reason)
        try? await client.forget(roomID)
        translator?.removeRoom(roomID)
        logger.info("left room", metadata: ["room_id": "\(roomID)"])
    }

    public func isOnline(_ address: String) async -> Bool? { nil }

    public nonisolated func currentNick() -> String { displayName.withLock { $0 } }

    public nonisolated func casemapping() -> Casemapping { .none }

    public func status() async -> ConnectorStatus { link }

    public func health() async -> ConnectorHealth {
        ConnectorHealth(status: link, since: link == .connected ? syncingSince : nil, reconnects: syncRecoveries, lastError: lastError)
    }

    /// Records the outcome of one `/sync`: `failure` is `nil` when it answered.
    private func syncAnswered(failure: (any Error)?) {
        if let failure {
            if !(failure is CancellationError) { noteFailure(failure) }
            link = .connecting
            return
        }
        if link != .connected {
            if syncingSince != nil { syncRecoveries += 1 }
            syncingSince = Date()
        }
        link = .connected
    }

    /// Keeps why a `/sync` or login failed, for ``health()``: the error only (it never holds a
    /// token or message text), cut to 300 characters whatever the server sent.
    private func noteFailure(_ error: any Error) { lastError = String("\(error)".prefix(300)) }

    // MARK: - Session

    /// The logged-in session, logging in (once, shared by concurrent callers) if needed.
    func currentSession() async throws -> Session {
        if let session {
            do {
                return try await session.value
            } catch {
                self.session = nil
                throw error
            }
        }
        let task = Task { try await self.establishSession() }
        session = task
        do {
            return try await task.value
        } catch {
            session = nil
            throw error
        }
    }

    private func establishSession() async throws -> Session {
        let user = configuration.userID
        if try await saved.get("user_id") != user {
            try await saved.resetSession()
            try await saved.set("user_id", user)
        }
        if let token = configuration.accessToken, !token.isEmpty {
            client.accessToken = token
            let whoami = try await client.whoAmI()
            guard whoami.userID == user else {
                throw MatrixError(.configuration, "access_token belongs to \(whoami.userID), not to the configured user_id \(user)")
            }
            logger.info("using the configured access token", metadata: ["device": "\(whoami.deviceID ?? "?")"])
            return try await started(Session(userID: user, deviceID: whoami.deviceID))
        }
        if let token = try await saved.get("access_token") {
            client.accessToken = token
            do {
                let whoami = try await client.whoAmI()
                if whoami.userID == user {
                    logger.info("reusing the saved session", metadata: ["device": "\(whoami.deviceID ?? "?")"])
                    return try await started(Session(userID: user, deviceID: whoami.deviceID))
                }
            } catch let error as MatrixError where error.code == .unknownToken {
                logger.info("saved access token expired; logging in again with the same device")
            }
        }
        guard let password = configuration.password else {
            throw MatrixError(.configuration, "no password or access_token for \(user)")
        }
        let deviceID = try await saved.get("device_id")
        let login: API.LoginResponse
        do {
            login = try await client.login(userID: user, password: password, deviceID: deviceID, deviceName: configuration.deviceName)
        } catch let error as MatrixError where error.status == 403 || error.status == 401 || error.status == 400 {
            throw MatrixError(.configuration, "login as \(user) refused: \(error.message)", status: error.status, errcode: error.errcode)
        }
        client.accessToken = login.accessToken
        try await saved.set("access_token", login.accessToken)
        try await saved.set("device_id", login.deviceID)
        logger.info("logged in with password", metadata: ["device": "\(login.deviceID)", "reused_device": "\(deviceID == login.deviceID)"])
        return try await started(Session(userID: login.userID, deviceID: login.deviceID))
    }

    /// Loads the persisted state for a fresh session, and what the homeserver knows of the bot.
    private func started(_ session: Session) async throws -> Session {
        try await restoreState(for: session)
        try await startEncryption(userID: session.userID, deviceID: session.deviceID)
        if let direct = try? await client.accountData(session.userID, type: "m.direct") { translator?.setDirect(direct) }
        if let name = try? await client.displayName(of: session.userID), !name.isEmpty { displayName.withLock { $0 = name } }
        return session
    }

    /// Loads what this network's saved state says about `session`: the event IDs already
    /// handled and the rooms told about encryption.
    func restoreState(for session: Session) async throws {
        var translator = MatrixEventTranslator(
            network: network, ownUserID: session.userID, configuration: configuration, seen: try await saved.seen())
        translator.announcedEncryption = try await saved.announcedEncryption()
        self.translator = translator
        seenWritten = translator.seen.elements
    }

    // MARK: - Sync

    private func runSession(_ events: any EventSink) async throws {
        _ = try await currentSession()
        for room in configuration.rooms {
            do {
                try await join(room)
            } catch let error as MatrixError where !error.isTransient {
                logger.error("cannot join configured room", metadata: ["room": "\(room)", "error": "\(error)"])
            }
        }
        let client = self.client
        let filter = self.filter
        let timeout = Duration.milliseconds(Int64(configuration.syncTimeout * 1000))
        let loop = syncLoop(events: events) { since, fullState in
            do {
                let batch = try await client.sync(since: since, filter: filter, timeout: since == nil ? .zero : timeout, fullState: fullState)
                await self.syncAnswered(failure: nil)
                return batch
            } catch {
                await self.syncAnswered(failure: error)
                throw error
            }
        }
        try await loop.run(since: try await saved.get("since"))
    }

    /// The `/sync` loop over `fetch`: batches go to ``process(_:initial:into:)``, and the
    /// position is saved in the store after each.
    func syncLoop(
        events: any EventSink, fetch: @escaping @Sendable (_ since: String?, _ fullState: Bool) async throws -> SyncResponse
    ) -> MatrixSyncLoop {
        MatrixSyncLoop(
            fetch: fetch,
            process: { batch, initial in await self.process(batch, initial: initial, into: events) },
            save: { since in try await self.saved.set("since", since) },
            logger: logger)
    }

    /// Handles one batch: delivers its events, carries out the room actions, waits until the
    /// plugins have stored what they keep of the events, then saves the seen event IDs (and the
    /// loop saves `since`). A crash before that replays the batch; the seen IDs drop what was
    /// handled already.
    func process(_ batch: SyncResponse, initial: Bool, into events: any EventSink) async {
        let batch = await decrypting(batch)
        guard var translator else { return }
        let actions = translator.process(batch, initial: initial)
        self.translator = translator
        let failures = batch.decodingFailures + translator.skippedLastBatch
        if !failures.isEmpty {
            logger.warning("skipped malformed events", metadata: ["count": "\(failures.count)", "first": "\(failures[0])"])
        }
        let delivered = actions.compactMap { if case .deliver(let event) = $0 { event } else { nil } }
        if !delivered.isEmpty { await events.receive(delivered) }
        for action in actions {
            do {
                try await perform(action)
            } catch is CancellationError {
                return
            } catch {
                logger.error("room action failed", metadata: ["action": "\(action.summary)", "error": "\(error)"])
            }
        }
        if !delivered.isEmpty { await events.handled() }
        let seen = translator.seen.elements
        if seen.last != seenWritten.last || seen.count != seenWritten.count {
            do {
                try await saved.setSeen(seen)
                seenWritten = seen
            } catch {
                logger.error("could not save seen event IDs", metadata: ["error": "\(error)"])
            }
        }
    }

    private func perform(_ action: MatrixEventTranslator.Action) async throws {
        switch action {
        case .deliver:
            break  // delivered together before the room actions
        case .acceptInvite(let roomID, let inviter, let isDirect):
            try await acceptInvite(roomID, from: inviter, isDirect: isDirect)
        case .resolveInvite(let roomID, let inviter, let isDirect):
            if await configuration.isConfiguredAlias(of: roomID, resolve: { try await self.roomID(for: $0) }) {
                try await acceptInvite(roomID, from: inviter, isDirect: isDirect)
            } else {
                try await declineInvite(roomID, from: inviter)
            }
        case .declineInvite(let roomID, let inviter):
            try await declineInvite(roomID, from: inviter)
        case .forget(let roomID):
            logger.notice("removed from room (kicked or banned); forgetting it", metadata: ["room_id": "\(roomID)"])
            try await client.forget(roomID)
        case .announceEncryption(let roomID):
            logger.warning("room is end-to-end encrypted; the bot cannot read messages there", metadata: ["room_id": "\(roomID)"])
            let content = MatrixMessageFormatter(ownUserID: configuration.userID).content(
                text: "This room is end-to-end encrypted, and I can't read encrypted messages, so I won't see anything said here. Please talk to me in an unencrypted room.",
                msgtype: "m.notice", replyTo: nil)
            _ = try await client.send(roomID, type: "m.room.message", content: content, transactionID: nextTransactionID())
            try await saved.set("encryption_notice/\(roomID)", "1")
        }
    }

    // MARK: - Rooms and DMs

    private func acceptInvite(_ roomID: String, from inviter: String, isDirect: Bool) async throws {
        logger.info("accepting invite", metadata: ["room_id": "\(roomID)", "inviter": "\(inviter)"])
        try await join(roomID)
        if isDirect { try await recordDirect(roomID, with: inviter) }
    }

    private func declineInvite(_ roomID: String, from inviter: String) async throws {
        logger.notice("declining invite: neither a configured room nor an inviter in allow_invites_from",
            metadata: ["room_id": "\(roomID)", "inviter": "\(inviter)"])
        try await client.leave(roomID, reason: "Sorry, I only join rooms when my operators invite me.")
    }

    /// The room ID for a room ID or alias (a user ID means the DM room).
    func roomID(for channel: String) async throws -> String {
        if channel.hasPrefix("!") { return channel }
        if channel.hasPrefix("@") { return try await directRoom(with: channel) }
        guard channel.hasPrefix("#") else {
            throw MatrixError(.invalidTarget, "'\(channel)' is not a Matrix room ID (!…) or alias (#…)")
        }
        if let known = aliases[channel] { return known }
        let roomID = try await client.resolveAlias(channel)
        aliases[channel] = roomID
        return roomID
    }

    /// The DM room with `userID`: the one in `m.direct`, or a new one (created once even when
    /// several sends ask at the same time).
    func directRoom(with userID: String) async throws -> String {
        guard MatrixIdentifiers.isUserID(userID) else {
            throw MatrixError(.invalidTarget, "'\(userID)' is not a Matrix user ID (@name:server)")
        }
        let me = try await currentSession().userID
        for (roomID, usable) in translator?.directRooms(with: userID) ?? [] {
            if usable == true { return roomID }
            if usable == nil, await isUsableDirectRoom(roomID, me: me, partner: userID) { return roomID }
        }
        if let pending = directCreation[userID] { return try await pending.value }
        let task = Task { () async throws -> String in
            let roomID = try await self.client.createDirectRoom(with: userID)
            logger.info("created DM room", metadata: ["room_id": "\(roomID)", "user": "\(userID)"])
            try await self.noteCreatedDirect(roomID, with: userID)
            return roomID
        }
        directCreation[userID] = task
        defer { directCreation[userID] = nil }
        return try await task.value
    }

    /// Asks the server about a DM room not synced yet (right after a restart).
    private func isUsableDirectRoom(_ roomID: String, me: String, partner: String) async -> Bool {
        guard let own = try? await client.state(roomID, type: "m.room.member", stateKey: me),
            own["membership"]?.string == "join"
        else { return false }
        let theirs = (try? await client.state(roomID, type: "m.room.member", stateKey: partner))?["membership"]?.string
        return theirs == nil || theirs == "join" || theirs == "invite"
    }

    private func noteCreatedDirect(_ roomID: String, with userID: String) async throws {
        translator?.noteJoined(roomID)
        try await recordDirect(roomID, with: userID)
    }

    /// Adds the room to the bot's `m.direct`, merged with what the server has now.
    private func recordDirect(_ roomID: String, with userID: String) async throws {
        let me = try await currentSession().userID
        let current = try await client.accountData(me, type: "m.direct")
        if let current { translator?.setDirect(current) }
        guard let content = translator?.recordDirect(roomID, with: userID) else { return }
        try await client.setAccountData(me, type: "m.direct", content: content)
    }

    private func nextTransactionID() -> String {
        transactionCount += 1
        return "\(transactionPrefix).\(transactionCount)"
    }
}

extension MatrixEventTranslator.Action {
    /// For logs: the action without message text.
    var summary: String {
        switch self {
        case .deliver(let event): "deliver \(event.id?.rawValue ?? "-")"
        case .acceptInvite(let room, _, _): "accept invite to \(room)"
        case .resolveInvite(let room, _, _): "check invite to \(room) against the configured aliases"
        case .declineInvite(let room, _): "decline invite to \(room)"
        case .forget(let room): "forget \(room)"
        case .announceEncryption(let room): "announce encryption in \(room)"
        }
    }
}
