import RapportCore

/// The `irc:` section of one network in the configuration file.
///
/// Keys (snake_case in the file), with types and defaults:
/// - `host` (string, required): the server's host name or address (IPv4 or IPv6).
/// - `port` (int, 6697 with TLS, 6667 without).
/// - `tls` (bool, `true`); `tls_verify` (bool, `true`): check the server certificate against the
///   system trust store (or `tls_ca_file`) and the host name; `tls_ca_file` (PEM path, none);
///   `tls_pin_sha256` (hex SHA-256 of the server certificate's DER, none): when set, that
///   certificate is accepted whatever its chain, and nothing else is.
/// - `client_cert` (PEM path holding certificate and key, none): sent during the TLS handshake;
///   needed for SASL EXTERNAL.
/// - `nick` (string, `rapport`); `alt_nicks` ([string], `[]`): tried in order when `nick` is taken;
///   the main nick is taken back once it is free.
/// - `username` (string, the nick); `realname` (string, `Rapport`).
/// - `sasl` (map, none): `mechanism` (`PLAIN` | `EXTERNAL` | `SCRAM-SHA-256` | `SCRAM-SHA-512` |
///   `ECDSA-NIST256P-CHALLENGE`, `PLAIN`), `username` (string, the nick), `password` (string,
///   none; required for PLAIN and SCRAM), `key_file` (PEM path of a P-256 private key, none;
///   required for ECDSA-NIST256P-CHALLENGE), `required` (bool, `true`: never go on
///   unauthenticated; a refused login, or a server that does not offer the mechanism, stops the
///   connector with an error after a `QUIT`).
/// - `channels` ([string], `[]`): joined on every connect, with the channels joined at run time.
/// - `reply_style` (`notice` | `privmsg`, `privmsg`): how answers to commands are sent.
/// - `flood` (map): `burst` (int, 5) lines at once, then `per_second` (double, 1.0).
/// - `ping_interval` (seconds, 90): PING the server after this much silence;
///   `ping_timeout` (seconds, 60): reconnect if the answer takes longer.
/// - `connect_timeout` (seconds, 20): TCP + TLS handshake; registration gets four times as long.
/// - `reconnect` (map): `min` (seconds, 2) and `max` (seconds, 300) of the exponential backoff
///   with jitter.
/// - `quick_ack` (bool, `true`): acknowledge the server's output within 5 ms, so a server with
///   Nagle's algorithm on does not hold a command back for up to 40 ms in a busy channel; costs
///   more, smaller reads under heavy traffic (BENCHMARKS.md).
public struct IRCConfiguration: Sendable, Codable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// SASL credentials.
    public struct SASL: Sendable, Codable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
        /// A SASL mechanism Rapport speaks.
        public enum Mechanism: String, Sendable, Codable, Hashable {
            case plain = "PLAIN"
            case external = "EXTERNAL"
            case scramSHA256 = "SCRAM-SHA-256"
            case scramSHA512 = "SCRAM-SHA-512"
            case ecdsaNIST256PChallenge = "ECDSA-NIST256P-CHALLENGE"

            /// Whether the mechanism signs in with `password`.
            public var usesPassword: Bool { self == .plain || self == .scramSHA256 || self == .scramSHA512 }
        }

        public var mechanism: Mechanism
        public var username: String?
        public var password: String?
        /// The PEM file of the P-256 key for ECDSA-NIST256P-CHALLENGE.
        public var keyFile: String?
        public var required: Bool

        public init(
            mechanism: Mechanism = .plain, username: String? = nil, password: String? = nil, keyFile: String? = nil,
            required: Bool = true
        ) {
            self.mechanism = mechanism
            self.username = username
            self.password = password
            self.keyFile = keyFile
            self.required = required
        }

        enum CodingKeys: String, CodingKey {
            case mechanism, username, password, required
            case keyFile = "key_file"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            mechanism = try c.decodeIfPresent(Mechanism.self, forKey: .mechanism) ?? .plain
            username = try c.decodeIfPresent(String.self, forKey: .username)
            password = try c.decodeIfPresent(String.self, forKey: .password)
            keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(mechanism, forKey: .mechanism)
            try c.encodeIfPresent(username, forKey: .username)
            try c.encodeIfPresent(password, forKey: .password)
            try c.encodeIfPresent(keyFile, forKey: .keyFile)
            try c.encode(required, forKey: .required)
        }

        public var debugDescription: String { description }

        public var description: String {
            "SASL(\(mechanism.rawValue), user: \(username ?? "<nick>"), password: \(password == nil ? "none" : "<redacted>"), key_file: \(keyFile ?? "none"), required: \(required))"
        }
    }

    /// Output flood control: a token bucket.
    public struct Flood: Sendable, Codable, Hashable {
        public var burst: Int
        public var perSecond: Double

        public init(burst: Int = 5, perSecond: Double = 1.0) {
            self.burst = burst
            self.perSecond = perSecond
        }

        enum CodingKeys: String, CodingKey {
            case burst
            case perSecond = "per_second"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            burst = try c.decodeIfPresent(Int.self, forKey: .burst) ?? 5
            perSecond = try c.decodePositive(.perSecond, default: 1.0)
        }
    }

    /// Reconnection backoff bounds, in seconds.
    public struct Reconnect: Sendable, Codable, Hashable {
        public var min: Double
        public var max: Double

        public init(min: Double = 2, max: Double = 300) {
            self.min = min
            self.max = max
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            min = try c.decodePositive(.min, default: 2)
            max = try c.decodePositive(.max, default: 300)
        }
    }

    /// How answers to commands are sent.
    public enum ReplyStyle: String, Sendable, Codable, Hashable {
        case notice
        case privmsg
    }

    public var host: String
    public var port: Int
    public var tls: Bool
    public var tlsVerify: Bool
    public var tlsCAFile: String?
    public var tlsPinSHA256: String?
    public var clientCert: String?
    public var nick: String
    public var altNicks: [String]
    public var username: String?
    public var realname: String
    public var sasl: SASL?
    public var channels: [String]
    public var replyStyle: ReplyStyle
    public var flood: Flood
    public var pingInterval: Double
    public var pingTimeout: Double
    public var connectTimeout: Double
    public var reconnect: Reconnect
    public var quickAck: Bool

    public init(
        host: String, port: Int? = nil, tls: Bool = true, tlsVerify: Bool = true, tlsCAFile: String? = nil,
        tlsPinSHA256: String? = nil, clientCert: String? = nil, nick: String = "rapport", altNicks: [String] = [],
        username: String? = nil, realname: String = "Rapport", sasl: SASL? = nil, channels: [String] = [],
        replyStyle: ReplyStyle = .privmsg, flood: Flood = Flood(), pingInterval: Double = 90, pingTimeout: Double = 60,
        connectTimeout: Double = 20, reconnect: Reconnect = Reconnect(), quickAck: Bool = true
    ) {
        self.host = host
        self.port = port ?? (tls ? 6697 : 6667)
        self.tls = tls
        self.tlsVerify = tlsVerify
        self.tlsCAFile = tlsCAFile
        self.tlsPinSHA256 = tlsPinSHA256
        self.clientCert = clientCert
        self.nick = nick
        self.altNicks = altNicks
        self.username = username
        self.realname = realname
        self.sasl = sasl
        self.channels = channels
        self.replyStyle = replyStyle
        self.flood = flood
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        self.quickAck = quickAck
    }

    enum CodingKeys: String, CodingKey {
        case host, port, tls, nick, username, realname, sasl, channels, flood, reconnect
        case tlsVerify = "tls_verify"
        case tlsCAFile = "tls_ca_file"
        case tlsPinSHA256 = "tls_pin_sha256"
        case clientCert = "client_cert"
        case altNicks = "alt_nicks"
        case replyStyle = "reply_style"
        case pingInterval = "ping_interval"
        case pingTimeout = "ping_timeout"
        case connectTimeout = "connect_timeout"
        case quickAck = "quick_ack"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let tls = try c.decodeIfPresent(Bool.self, forKey: .tls) ?? true
        self.init(
            host: try c.decode(String.self, forKey: .host),
            port: try c.decodeIfPresent(Int.self, forKey: .port),
            tls: tls,
            tlsVerify: try c.decodeIfPresent(Bool.self, forKey: .tlsVerify) ?? true,
            tlsCAFile: try c.decodeIfPresent(String.self, forKey: .tlsCAFile),
            tlsPinSHA256: try c.decodeIfPresent(String.self, forKey: .tlsPinSHA256),
            clientCert: try c.decodeIfPresent(String.self, forKey: .clientCert),
            nick: try c.decodeIfPresent(String.self, forKey: .nick) ?? "rapport",
            altNicks: try c.decodeIfPresent([String].self, forKey: .altNicks) ?? [],
            username: try c.decodeIfPresent(String.self, forKey: .username),
            realname: try c.decodeIfPresent(String.self, forKey: .realname) ?? "Rapport",
            sasl: try c.decodeIfPresent(SASL.self, forKey: .sasl),
            channels: try c.decodeIfPresent([String].self, forKey: .channels) ?? [],
            replyStyle: try c.decodeIfPresent(ReplyStyle.self, forKey: .replyStyle) ?? .privmsg,
            flood: try c.decodeIfPresent(Flood.self, forKey: .flood) ?? Flood(),
            pingInterval: try c.decodePositive(.pingInterval, default: 90),
            pingTimeout: try c.decodePositive(.pingTimeout, default: 60),
            connectTimeout: try c.decodePositive(.connectTimeout, default: 20),
            reconnect: try c.decodeIfPresent(Reconnect.self, forKey: .reconnect) ?? Reconnect(),
            quickAck: try c.decodeIfPresent(Bool.self, forKey: .quickAck) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
        try c.encode(tls, forKey: .tls)
        try c.encode(tlsVerify, forKey: .tlsVerify)
        try c.encodeIfPresent(tlsCAFile, forKey: .tlsCAFile)
        try c.encodeIfPresent(tlsPinSHA256, forKey: .tlsPinSHA256)
        try c.encodeIfPresent(clientCert, forKey: .clientCert)
        try c.encode(nick, forKey: .nick)
        try c.encode(altNicks, forKey: .altNicks)
        try c.encodeIfPresent(username, forKey: .username)
        try c.encode(realname, forKey: .realname)
        try c.encodeIfPresent(sasl, forKey: .sasl)
        try c.encode(channels, forKey: .channels)
        try c.encode(replyStyle, forKey: .replyStyle)
        try c.encode(flood, forKey: .flood)
        try c.encode(pingInterval, forKey: .pingInterval)
        try c.encode(pingTimeout, forKey: .pingTimeout)
        try c.encode(connectTimeout, forKey: .connectTimeout)
        try c.encode(reconnect, forKey: .reconnect)
        try c.encode(quickAck, forKey: .quickAck)
    }

    public var debugDescription: String { description }

    /// A summary for logs; never shows the SASL password.
    public var description: String {
        "IRCConfiguration(\(tls ? "ircs" : "irc")://\(host):\(port), nick: \(nick), tls_verify: \(tlsVerify), "
            + "sasl: \(sasl?.description ?? "none"), channels: \(channels))"
    }
}

extension IRCConfiguration {
    /// What the `sasl` section lacks for its mechanism: the key (relative to the `irc` section)
    /// and a sentence saying what to do; `nil` when it is complete (or absent).
    public var saslProblem: (key: String, problem: String)? {
        guard let sasl else { return nil }
        let name = sasl.mechanism.rawValue
        if sasl.keyFile != nil, sasl.mechanism != .ecdsaNIST256PChallenge {
            return ("sasl.key_file", "key_file is for ECDSA-NIST256P-CHALLENGE only; SASL \(name) does not use it.")
        }
        switch sasl.mechanism {
        case .plain, .scramSHA256, .scramSHA512:
            guard let password = sasl.password else { return ("sasl.password", "SASL \(name) needs a password.") }
            if sasl.mechanism != .plain {
                do { _ = try SCRAMClient(hash: .sha256, username: sasl.username ?? nick, password: password) } catch {
                    return ("sasl", "SASL \(name) cannot use these credentials: \(error.description).")
                }
            }
        case .external:
            if clientCert == nil || !tls { return ("client_cert", "SASL EXTERNAL needs tls: true and client_cert.") }
        case .ecdsaNIST256PChallenge:
            if sasl.keyFile == nil {
                return ("sasl.key_file", "SASL \(name) needs key_file: the PEM file of a P-256 (prime256v1) private key.")
            }
        }
        return nil
    }
}
