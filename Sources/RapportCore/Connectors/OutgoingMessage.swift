/// Something the bot wants to say.
public struct OutgoingMessage: Sendable, Hashable {
    /// Where a message goes.
    public enum Target: Sendable, Hashable {
        /// A channel or room.
        case channel(String)
        /// One person, privately: an IRC nick, a Matrix user ID (the connector finds the DM room).
        case user(address: String)
    }

    /// How a message is presented.
    public enum Style: Sendable, Hashable {
        /// An answer to a command: the connector picks its configured reply form
        /// (IRC NOTICE or PRIVMSG, Matrix `m.notice` or `m.text`).
        case reply
        /// An ordinary message.
        case message
        /// An action (`/me …`).
        case action
    }

    public var target: Target
    /// The text; it may hold several lines, which the connector sends as separate messages.
    public var text: String
    public var style: Style
    /// The message being answered, so protocols with reply relations can link it.
    public var replyTo: MessageID?

    public init(to target: Target, text: String, style: Style = .reply, replyTo: MessageID? = nil) {
        self.target = target
        self.text = text
        self.style = style
        self.replyTo = replyTo
    }
}
