/// The fields of an incoming message that the session reads from a PRIVMSG or NOTICE, whether the
/// line became a full ``IRCMessage`` or stays an ``IRCLineView``.
public protocol IRCMessageFields {
    /// The nick of the source when it is a user (`nick!user@host`), `nil` for a server.
    var userNick: String? { get }
    /// The first two parameters (a PRIVMSG's or NOTICE's target and text), or `nil` when there are fewer.
    var targetAndText: (target: String, text: String)? { get }
    /// The tags the session reads, found in one pass.
    var textTags: IRCTextTags { get }
}

extension IRCMessage: IRCMessageFields {}
