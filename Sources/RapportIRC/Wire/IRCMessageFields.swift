/// The fields of an incoming message that the session reads from a PRIVMSG or NOTICE, whether the
/// line became a full ``IRCMessage`` or stays an ``IRCLineView``.
public protocol IRCMessageFields {
    /// The nick part of the source, or the whole source for servers.
    var sourceNick: String? { get }
    /// Whether the source is a user (`nick!user@host`) rather than a server.
    var sourceIsUser: Bool { get }
    /// The parameter at `index`, or `nil`.
    func parameter(_ index: Int) -> String?
    /// The tags the session reads, found in one pass.
    var textTags: IRCTextTags { get }
}

extension IRCMessage: IRCMessageFields {}
