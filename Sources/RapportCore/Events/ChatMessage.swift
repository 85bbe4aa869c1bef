/// The text of a message with the structure its protocol gave it.
public struct ChatMessage: Sendable, Hashable {
    /// The plain text, without formatting codes.
    public var text: String
    /// The message this one explicitly replies to (Matrix `m.in_reply_to`, IRCv3 `+draft/reply`).
    public var replyTo: MessageID?
    /// The root of the thread the message belongs to (Matrix `m.thread`), if any.
    public var threadRoot: MessageID?
    /// Users the protocol says are mentioned (Matrix `m.mentions` user IDs or pills), as nicks
    /// or user IDs; empty when the protocol gives no such list (plain IRC).
    public var mentions: [String]

    public init(_ text: String, replyTo: MessageID? = nil, threadRoot: MessageID? = nil, mentions: [String] = []) {
        self.text = text
        self.replyTo = replyTo
        self.threadRoot = threadRoot
        self.mentions = mentions
    }
}
