public import Foundation

/// Something a connector saw happen on a network: a message, a join, a reaction, ….
///
/// One type serves IRC, Matrix and the console alike, so plugins and the reciprocity engine
/// never learn which protocol an event came from. Fields that a protocol cannot give are `nil`
/// (IRC without `message-tags` has no ``id``; a console message has no ``ChatUser/account``).
public struct ChatEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// A plain message.
        case message(ChatMessage)
        /// An action (`/me waves`); the text is the action without the nick.
        case action(ChatMessage)
        /// A notice; bots must never answer one.
        case notice(ChatMessage)
        /// The sender joined ``ChatEvent/channel``.
        case join
        /// The sender left ``ChatEvent/channel``.
        case part(reason: String?)
        /// The sender left the network; ``ChatEvent/channel`` is `nil`.
        case quit(reason: String?)
        /// The sender removed `target` from ``ChatEvent/channel``.
        case kick(target: String, reason: String?)
        /// The sender is now known as `newNick`; ``ChatEvent/channel`` is `nil`.
        case nickChange(newNick: String)
        /// The sender set the channel topic.
        case topic(String)
        /// The sender reacted with `key` (an emoji or short text) to the message `target`.
        case reaction(target: MessageID, key: String)
        /// The sender removed the message (or reaction) `target`.
        case redaction(target: MessageID)
        /// The sender replaced the text of their message `target`.
        case edit(target: MessageID, ChatMessage)
        /// The sender was marked away (`message` set) or back (`nil`).
        case away(message: String?)
        /// The sender invited the bot to ``ChatEvent/channel``.
        case invite
    }

    /// The configured name of the network the event came from, such as `libera`.
    public var network: String
    /// The channel or room, or `nil` for direct messages and network-wide events.
    public var channel: String?
    /// Who caused the event.
    public var sender: ChatUser
    /// When the server says it happened (IRCv3 `server-time`, Matrix `origin_server_ts`).
    public var time: Date
    /// The protocol's id for the event (IRCv3 `msgid`, Matrix event ID), when it has one.
    public var id: MessageID?
    /// What happened.
    public var kind: Kind
    /// Whether the sender has channel-operator rights in ``channel``, as the connector knows it.
    public var senderIsOperator: Bool
    /// Whether the event is history replayed by the server (on join, in a `chathistory` batch):
    /// it is shown to plugins for context but never answered.
    public var isHistory: Bool
    /// Whether the event was sent by the bot itself (an echo).
    public var isOwn: Bool

    public init(
        network: String, channel: String?, sender: ChatUser, time: Date = Date(), id: MessageID? = nil,
        kind: Kind, senderIsOperator: Bool = false, isHistory: Bool = false, isOwn: Bool = false
    ) {
        self.network = network
        self.channel = channel
        self.sender = sender
        self.time = time
        self.id = id
        self.kind = kind
        self.senderIsOperator = senderIsOperator
        self.isHistory = isHistory
        self.isOwn = isOwn
    }

    /// Whether this is a message sent privately to the bot.
    public var isDirect: Bool { channel == nil && message != nil }

    /// The text message carried by a message, action or edit, or `nil`.
    public var message: ChatMessage? {
        switch kind {
        case .message(let m), .action(let m), .notice(let m), .edit(_, let m): m
        default: nil
        }
    }

    /// Whether the bot, known as `botNick`, left ``channel`` with this event (it parted, or was
    /// kicked): whatever was kept for the channel may go. The nick and casemapping are asked for
    /// only for a kick, so the check costs nothing on the messages every event path sees.
    nonisolated(nonsending) public func isBotLeaving(
        botNick: @autoclosure () async -> String?, casemapping: @autoclosure () async -> Casemapping
    ) async -> Bool {
        guard channel != nil else { return false }
        switch kind {
        case .part: return isOwn
        case .kick(let target, _):
            guard let nick = await botNick() else { return false }
            return await casemapping().equal(nick, target)
        default: return false
        }
    }
}
