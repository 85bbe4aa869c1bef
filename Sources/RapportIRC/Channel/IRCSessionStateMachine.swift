public import Foundation
public import RapportCore

/// The protocol logic of one IRC connection, with no I/O: messages and clock ticks go in,
/// actions come out. ``IRCConnector`` carries the actions out.
///
/// ```
/// start()            → send CAP LS 302, NICK, USER
/// receive(CAP LS)    → send CAP REQ :message-tags server-time …
/// receive(CAP ACK)   → send AUTHENTICATE PLAIN            (with sasl configured)
/// receive(903)       → send CAP END
/// receive(001)       → registered; queue JOINs
/// receive(PRIVMSG)   → emit ChatEvent
/// tick(now)          → PING when idle, disconnect on lag, take the main nick back
/// ```
///
/// One value lives as long as one connection; the connector makes a new one per connect.
public struct IRCSessionStateMachine: Sendable {
    /// What the connector must do.
    public enum Action: Sendable, Equatable {
        /// Write a protocol line now (never throttled).
        case send(IRCMessage)
        /// Write a line through flood control.
        case queue(IRCMessage)
        /// Deliver an event to the runtime.
        case emit(ChatEvent)
        /// Registration completed under this nick.
        case registered(nick: String)
        /// MONITOR or ISON told whether a nick is online.
        case onlineStatus(nick: String, online: Bool)
        /// Close the connection and reconnect later.
        case disconnect(reason: String)
        /// Close the connection and stop: retrying cannot help.
        case fail(IRCConnectorError)
        /// IRCv3 STS on a plain connection: close it and connect again with TLS to `port`, at once.
        case upgradeToTLS(port: Int)
        /// IRCv3 STS on a secure connection: keep this host on TLS for `duration` seconds from
        /// now (0: forget the policy).
        case keepSTSPolicy(duration: Int)
        /// Something worth a log line (level, message).
        case log(LogLevel, String)
    }

    /// Log levels the state machine uses.
    public enum LogLevel: Sendable, Equatable { case debug, info, warning, error }

    enum Phase: Sendable, Equatable { case negotiating, authenticating, registering, registered }

    struct Member: Sendable, Hashable {
        var prefixes: Set<Character> = []
    }

    struct ChannelState: Sendable {
        var name: String
        var members: [String: Member] = [:]  // by folded nick
        var topic: String?
    }

    struct User: Sendable {
        var nick: String
        var user: String?
        var host: String?
        var account: String?
        var away: String?
        var isBot = false
    }

    struct Batch: Sendable {
        var type: String
        var parent: String?
    }

    // MARK: - State

    public let network: String
    public let configuration: IRCConfiguration
    public internal(set) var nick: String
    public internal(set) var support = IRCServerSupport()
    public internal(set) var enabledCaps: Set<String> = []
    /// The services account we are logged in to, if any.
    public internal(set) var account: String?
    var phase = Phase.negotiating
    var offeredCaps: [String: String] = [:]
    var requestedCaps: [String] = []
    var pendingCapRequests: [[String]] = []
    var nickAttempt = 0
    var channels: [String: ChannelState] = [:]
    var users: [String: User] = [:]
    var batches: [String: Batch] = [:]
    var wantedChannels: [String]
    var selfUser: String?
    var selfHost: String?
    var connectedAt: Date
    var lastReceived: Date
    var pingSentAt: Date?
    var pingCounter = 0
    /// When the latest keepalive `PING` (`rapport-<pingCounter>`) went out, until its `PONG`.
    var keepaliveSentAt: Date?
    /// The round trip of the latest answered keepalive `PING`; `nil` until one was answered.
    public private(set) var lag: Duration?
    var lastRegainAttempt: Date
    var pendingIson: [[String]] = []
    var saslFailed = false
    /// The SASL login under way, once `AUTHENTICATE <mechanism>` was sent.
    var saslExchange: SASLExchange?
    /// The key for ECDSA-NIST256P-CHALLENGE, loaded by the connector.
    let saslSigner: ECDSAChallengeSigner?
    var monitoringMainNick = false
    /// CTCP answers: a few at once, then one every five seconds; queries beyond go unanswered.
    var ctcpAnswers: TokenBucket
    var ctcpUnanswered = 0

    /// Whether registration (001) has completed.
    public var isRegistered: Bool { phase == .registered }

    /// - Parameters:
    ///   - channels: Channels to join once registered (configured plus joined at run time).
    ///   - saslSigner: The key for ECDSA-NIST256P-CHALLENGE (read from `sasl.key_file`).
    init(network: String, configuration: IRCConfiguration, channels: [String], now: Date, saslSigner: ECDSAChallengeSigner?) {
        self.saslSigner = saslSigner
        self.network = network
        self.configuration = configuration
        self.nick = configuration.nick
        self.wantedChannels = channels
        self.connectedAt = now
        self.lastReceived = now
        self.lastRegainAttempt = now
        self.ctcpAnswers = TokenBucket(capacity: 3, refillPerSecond: 0.2, now: now)
    }

    /// A session for a configuration whose SASL mechanism needs no key file.
    public init(network: String, configuration: IRCConfiguration, channels: [String], now: Date) {
        self.init(network: network, configuration: configuration, channels: channels, now: now, saslSigner: nil)
    }

    /// The protocol's wanted IRCv3 capabilities (`sasl` is added when configured).
    public static let wantedCaps: [String] = [
        "message-tags", "server-time", "account-tag", "account-notify", "extended-join", "away-notify",
        "multi-prefix", "userhost-in-names", "chghost", "setname", "echo-message", "batch",
        "labeled-response", "invite-notify", "cap-notify",
    ]

    var casemapping: Casemapping { support.casemapping }
    func fold(_ text: String) -> String { support.casemapping.fold(text) }
    func isMe(_ nick: String) -> Bool { fold(nick) == fold(self.nick) }

    // MARK: - Input

    /// The opening lines of a connection.
    public mutating func start() -> [Action] {
        let username = IRCMessage.cleanAtom(configuration.username ?? configuration.nick, replacement: "", extra: ["@"])
        return [
            .send(IRCMessage("CAP", "LS", "302")),
            .send(IRCMessage("NICK", configuration.nick)),
            .send(IRCMessage("USER", username.isEmpty ? "rapport" : username, "0", "*", configuration.realname)),
        ]
    }

    /// Handles one line from the server: channel and private messages, most of the traffic,
    /// straight from the view (only the strings their event needs are made), anything else as a
    /// full ``IRCMessage``.
    public mutating func receive(_ line: IRCLineView, now: Date) -> [Action] {
        let command = line.command
        switch command {
        case "PRIVMSG", "NOTICE":
            heard(now: now)
            var actions: [Action] = []
            handleText(line, isNotice: command == "NOTICE", now: now, &actions)
            return actions
        default:
            return receive(IRCMessage(line), now: now)
        }
    }

    /// Handles one message from the server.
    public mutating func receive(_ message: IRCMessage, now: Date) -> [Action] {
        heard(now: now)
        var actions: [Action] = []
        let command = message.command.uppercased()
        switch command {
        case "PING": actions.append(.send(IRCMessage(command: "PONG", parameters: message.parameters)))
        case "PONG": measureLag(message, now: now)
        case "ERROR": actions.append(.disconnect(reason: "server closed the link: \(message.parameters.last ?? "")"))
        case "CAP": handleCap(message, &actions)
        case "AUTHENTICATE": handleAuthenticate(message, &actions)
        case "001": handleWelcome(message, &actions)
        case "005":
            for note in support.apply(message.parameters.dropFirst().dropLast()) { actions.append(.log(.warning, note)) }
            // ISUPPORT comes after 001: start watching the main nick once MONITOR is known.
            if support.monitor != nil, !monitoringMainNick, phase == .registered, !isMe(configuration.nick) {
                monitoringMainNick = true
                actions.append(.send(IRCMessage("MONITOR", "+", configuration.nick)))
            }
        case "433", "432", "437": handleNickUnavailable(message, &actions)
        case "900": if message.parameters.count > 2 { account = message.parameters[2] }
        case "901": account = nil
        case "903", "907": finishSASL(&actions)
        case "902", "904", "905", "906", "908": handleSASLFailure(message, &actions)
        case "730", "731", "303": handleOnline(message, &actions)
        case "BATCH": handleBatch(message)
        case "PRIVMSG", "NOTICE": handleText(message, isNotice: command == "NOTICE", now: now, &actions)
        default: handleTracking(message, now: now, &actions)
        }
        return actions
    }

    private mutating func heard(now: Date) {
        lastReceived = now
        pingSentAt = nil  // any traffic proves the link is alive
    }

    /// Takes the round trip of our keepalive `PING` from its `PONG` (a `PONG` to anything else,
    /// or a stale one, is ignored).
    private mutating func measureLag(_ pong: IRCMessage, now: Date) {
        guard let sent = keepaliveSentAt, pong.parameters.last == "rapport-\(pingCounter)" else { return }
        keepaliveSentAt = nil
        lag = .milliseconds(Int64((max(now.timeIntervalSince(sent), 0) * 1000).rounded()))
    }

    /// Periodic work: lag detection, keepalive PING, registration timeout, nick regain.
    public mutating func tick(now: Date) -> [Action] {
        guard phase == .registered else {
            if now.timeIntervalSince(connectedAt) > max(configuration.connectTimeout * 4, 30) {
                return [.disconnect(reason: "registration did not complete in time")]
            }
            return []
        }
        if let sent = pingSentAt {
            if now.timeIntervalSince(sent) > configuration.pingTimeout {
                return [.disconnect(reason: "no answer to PING in \(Int(configuration.pingTimeout)) s (lag)")]
            }
        } else if now.timeIntervalSince(lastReceived) >= configuration.pingInterval {
            pingSentAt = now
            keepaliveSentAt = now
            pingCounter += 1
            return [.send(IRCMessage("PING", "rapport-\(pingCounter)"))]
        }
        if !isMe(configuration.nick), now.timeIntervalSince(lastRegainAttempt) >= 30 {
            lastRegainAttempt = now
            return [.send(IRCMessage("NICK", configuration.nick))]
        }
        return []
    }
}
