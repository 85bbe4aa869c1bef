public import Foundation

/// The `matrix:` section of a network in the configuration file.
///
/// ```yaml
/// networks:
///   - name: example
///     matrix:
///       homeserver: https://matrix.example.org   # required: client-server API base URL
///       user_id: "@rapport:example.org"           # required
///       password: "…"                             # password or access_token, one required
///       access_token: "…"
///       device_name: Rapport                      # default "Rapport", shown in the user's sessions
///       rooms: ["#lobby:example.org", "!abc:example.org"]   # default []: joined at start
///       allow_invites_from: ["@alice:example.org", "*:example.org"]   # default []
///       operator_power_level: 50                  # default 50
///       reply_msgtype: m.notice                   # m.notice (default) or m.text
///       sync_timeout: 30                          # seconds the server holds /sync, default 30
///       timeline_limit: 50                        # events per room per /sync, default 50
///       encryption:                               # end-to-end encryption (docs/matrix.md)
///         enabled: false                          # default false
///         pickle_key: "${RAPPORT_PICKLE_KEY}"     # required when enabled, at least 16 characters
/// ```
///
/// Invites: the bot joins a room it is invited to when the inviter matches `allow_invites_from`
/// (a user ID, `*:server` for everyone on a server, or `*` for anyone), or the room is listed in
/// `rooms`: by its room ID, or by an alias that the bot's own homeserver resolves
/// (`GET /directory/room/{alias}`) to the invite's room ID. The aliases in the invite itself come
/// from the inviting server and are never trusted. Every other invite is declined with a short reason. The default, an empty list,
/// therefore accepts no invites: owners who want to invite the bot list their user IDs.
///
/// The password, the access token and the pickle key never appear in ``description`` or in logs.
public struct MatrixConfiguration: Sendable, Codable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// How replies to commands are sent.
    public enum ReplyMsgtype: String, Sendable, Codable, Hashable {
        case notice = "m.notice"
        case text = "m.text"
    }

    public var homeserver: URL
    public var userID: String
    public var password: String?
    public var accessToken: String?
    public var deviceName: String
    public var rooms: [String]
    public var allowInvitesFrom: [String]
    public var operatorPowerLevel: Int
    public var replyMsgtype: ReplyMsgtype
    /// Seconds the homeserver may hold a `/sync` open when nothing happens.
    public var syncTimeout: Double
    public var timelineLimit: Int
    public var encryption: Encryption

    /// The `encryption:` map: whether the bot reads and writes end-to-end encrypted rooms.
    public struct Encryption: Sendable, Codable, Hashable {
        public var enabled: Bool
        /// Encrypts every session the bot keeps in the store; never stored there itself. Losing
        /// it means a new device (rooms' earlier messages stay unreadable to the bot).
        public var pickleKey: String?

        public init(enabled: Bool = false, pickleKey: String? = nil) {
            self.enabled = enabled
            self.pickleKey = pickleKey
        }

        enum CodingKeys: String, CodingKey {
            case enabled
            case pickleKey = "pickle_key"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
            pickleKey = try c.decodeIfPresent(String.self, forKey: .pickleKey)
            if enabled, (pickleKey?.utf8.count ?? 0) < 16 {
                throw DecodingError.dataCorruptedError(
                    forKey: .pickleKey, in: c,
                    debugDescription: "encryption needs a pickle_key of at least 16 characters (such as \"${RAPPORT_PICKLE_KEY}\"); keep it outside the database")
            }
        }
    }

    public init(
        homeserver: URL, userID: String, password: String? = nil, accessToken: String? = nil,
        deviceName: String = "Rapport", rooms: [String] = [], allowInvitesFrom: [String] = [],
        operatorPowerLevel: Int = 50, replyMsgtype: ReplyMsgtype = .notice, syncTimeout: Double = 30,
        timelineLimit: Int = 50, encryption: Encryption = Encryption()
    ) {
        self.homeserver = homeserver
        self.userID = userID
        self.password = password
        self.accessToken = accessToken
        self.deviceName = deviceName
        self.rooms = rooms
        self.allowInvitesFrom = allowInvitesFrom
        self.operatorPowerLevel = operatorPowerLevel
        self.replyMsgtype = replyMsgtype
        self.syncTimeout = syncTimeout
        self.timelineLimit = timelineLimit
        self.encryption = encryption
    }

    enum CodingKeys: String, CodingKey {
        case homeserver, password, rooms
        case userID = "user_id"
        case accessToken = "access_token"
        case deviceName = "device_name"
        case allowInvitesFrom = "allow_invites_from"
        case operatorPowerLevel = "operator_power_level"
        case replyMsgtype = "reply_msgtype"
        case syncTimeout = "sync_timeout"
        case timelineLimit = "timeline_limit"
        case encryption
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let homeserverText = try c.decode(String.self, forKey: .homeserver)
        guard let url = URL(string: homeserverText), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .homeserver, in: c,
                debugDescription: "'\(homeserverText)' is not an http(s) URL; use the homeserver's client API base, such as https://matrix.example.org")
        }
        homeserver = url
        userID = try c.decode(String.self, forKey: .userID)
        guard MatrixIdentifiers.isUserID(userID) else {
            throw DecodingError.dataCorruptedError(
                forKey: .userID, in: c, debugDescription: "'\(userID)' is not a Matrix user ID; write it as @name:server")
        }
        password = try c.decodeIfPresent(String.self, forKey: .password)
        accessToken = try c.decodeIfPresent(String.self, forKey: .accessToken)
        guard password?.isEmpty == false || accessToken?.isEmpty == false else {
            throw DecodingError.keyNotFound(
                CodingKeys.password,
                .init(codingPath: c.codingPath, debugDescription: "set either password or access_token for \(userID)"))
        }
        deviceName = try c.decodeIfPresent(String.self, forKey: .deviceName) ?? "Rapport"
        rooms = try c.decodeIfPresent([String].self, forKey: .rooms) ?? []
        allowInvitesFrom = try c.decodeIfPresent([String].self, forKey: .allowInvitesFrom) ?? []
        operatorPowerLevel = try c.decodeIfPresent(Int.self, forKey: .operatorPowerLevel) ?? 50
        replyMsgtype = try c.decodeIfPresent(ReplyMsgtype.self, forKey: .replyMsgtype) ?? .notice
        syncTimeout = try c.decodeIfPresent(Double.self, forKey: .syncTimeout) ?? 30
        guard syncTimeout >= 0, syncTimeout <= 300 else {
            throw DecodingError.dataCorruptedError(
                forKey: .syncTimeout, in: c, debugDescription: "sync_timeout must be between 0 and 300 seconds")
        }
        timelineLimit = try c.decodeIfPresent(Int.self, forKey: .timelineLimit) ?? 50
        guard timelineLimit >= 1, timelineLimit <= 1000 else {
            throw DecodingError.dataCorruptedError(
                forKey: .timelineLimit, in: c, debugDescription: "timeline_limit must be between 1 and 1000")
        }
        encryption = try c.decodeIfPresent(Encryption.self, forKey: .encryption) ?? Encryption()
    }

    /// Writes every key that ``init(from:)`` reads (the optional credentials only when set).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(homeserver.absoluteString, forKey: .homeserver)
        try c.encode(userID, forKey: .userID)
        try c.encodeIfPresent(password, forKey: .password)
        try c.encodeIfPresent(accessToken, forKey: .accessToken)
        try c.encode(deviceName, forKey: .deviceName)
        try c.encode(rooms, forKey: .rooms)
        try c.encode(allowInvitesFrom, forKey: .allowInvitesFrom)
        try c.encode(operatorPowerLevel, forKey: .operatorPowerLevel)
        try c.encode(replyMsgtype, forKey: .replyMsgtype)
        try c.encode(syncTimeout, forKey: .syncTimeout)
        try c.encode(timelineLimit, forKey: .timelineLimit)
        try c.encode(encryption, forKey: .encryption)
    }

    /// The settings without secrets.
    public var description: String {
        let credential = password != nil ? "password" : "access token"
        return "matrix(\(userID) at \(homeserver.absoluteString), \(credential) <redacted>, rooms: \(rooms), "
            + "allow_invites_from: \(allowInvitesFrom), operator_power_level: \(operatorPowerLevel), "
            + "reply_msgtype: \(replyMsgtype.rawValue), encryption: \(encryption.enabled ? "on" : "off"))"
    }

    public var debugDescription: String { description }

    /// What `dump` shows: everything but the secrets.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "homeserver": homeserver, "userID": userID, "password": password == nil ? "none" : "<redacted>",
            "accessToken": accessToken == nil ? "none" : "<redacted>", "deviceName": deviceName, "rooms": rooms,
            "allowInvitesFrom": allowInvitesFrom, "operatorPowerLevel": operatorPowerLevel, "replyMsgtype": replyMsgtype,
            "syncTimeout": syncTimeout, "timelineLimit": timelineLimit,
            "encryption": encryption.enabled ? "on, pickle key <redacted>" : "off",
        ])
    }

    /// Whether an invite from `inviter` to `roomID` may be accepted without asking the
    /// homeserver: the room ID is in `rooms`, or the inviter matches `allow_invites_from`.
    func allowsInvite(from inviter: String, roomID: String) -> Bool {
        if rooms.contains(roomID) { return true }
        return allowInvitesFrom.contains { pattern in
            if pattern == "*" || pattern == inviter { return true }
            if pattern.hasPrefix("*:") { return MatrixIdentifiers.server(of: inviter) == pattern.dropFirst(2).lowercased() }
            return false
        }
    }

    /// The aliases (`#…`) in `rooms`.
    var roomAliases: [String] { rooms.filter { $0.hasPrefix("#") } }

    /// Whether one of the configured aliases resolves to `roomID` through `resolve` (the
    /// homeserver's room directory); an alias that does not resolve counts as no match.
    func isConfiguredAlias(of roomID: String, resolve: @Sendable (String) async throws -> String) async -> Bool {
        for alias in roomAliases {
            if (try? await resolve(alias)) == roomID { return true }
        }
        return false
    }
}

/// Small helpers on Matrix identifiers (`@user:server`, `!room:server`, `#alias:server`).
enum MatrixIdentifiers {
    static func isUserID(_ text: String) -> Bool {
        guard text.hasPrefix("@"), let colon = text.firstIndex(of: ":") else { return false }
        return colon > text.index(after: text.startIndex) && text.index(after: colon) < text.endIndex
            && !text.contains(where: { $0.isWhitespace })
    }

    /// `alice` for `@alice:example.org`.
    static func localpart(of userID: String) -> String {
        guard userID.hasPrefix("@") else { return userID }
        let rest = userID.dropFirst()
        return String(rest.prefix(while: { $0 != ":" }))
    }

    /// `example.org` for `@alice:example.org`, lowercased.
    static func server(of id: String) -> String? {
        guard let colon = id.firstIndex(of: ":") else { return nil }
        return id[id.index(after: colon)...].lowercased()
    }
}
