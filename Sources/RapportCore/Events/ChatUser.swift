/// The person (or bot) behind an event, as far as the network tells.
public struct ChatUser: Sendable, Hashable {
    /// The name shown in chat: an IRC nick, a Matrix display name or localpart.
    public var nick: String
    /// The verified identity, when the network vouches for one (an IRC services account,
    /// a Matrix user ID). `nil` when unknown: permissions then treat the user as anonymous.
    public var identity: Identity?
    /// Whether the network marks this user as a bot (IRCv3 `bot` tag, bot mode).
    public var isBot: Bool
    /// The address used to send this user a direct message: the nick on IRC, the user ID on Matrix.
    public var address: String

    public init(nick: String, identity: Identity? = nil, isBot: Bool = false, address: String? = nil) {
        self.nick = nick
        self.identity = identity
        self.isBot = isBot
        self.address = address ?? nick
    }
}
