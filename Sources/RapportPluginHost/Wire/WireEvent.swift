import Foundation
public import RapportCore

/// The JSON form of a ``ChatEvent``, flat so that any language reads it without a schema:
///
/// ```json
/// {"network":"libera","channel":"#rapport","kind":"message","text":"hello",
///  "sender":{"nick":"alice","identity":"irc:libera:alice","address":"alice","is_bot":false},
///  "time":1732550400.25,"id":"abc","reply_to":null,"mentions":[],
///  "sender_is_operator":false,"is_history":false,"is_own":false}
/// ```
///
/// `kind` is one of ``WireEvent/kinds``; the fields that only some kinds have (`text`,
/// `target`, `key`, `reason`, `new_nick`, `away_message`) are left out when they do not apply.
public struct WireEvent: Sendable, Hashable, Codable {
    public struct Sender: Sendable, Hashable, Codable {
        public var nick: String
        public var identity: String?
        public var address: String
        public var isBot: Bool

        enum CodingKeys: String, CodingKey { case nick, identity, address, isBot = "is_bot" }
    }

    /// Every value of `kind`, which is also what a manifest lists in `events`.
    public static let kinds = [
        "message", "action", "notice", "join", "part", "quit", "kick", "nick", "topic", "reaction", "redaction", "edit",
        "away", "invite",
    ]

    public var network: String
    public var channel: String?
    public var sender: Sender
    /// Seconds since 1970, with a fraction.
    public var time: Double
    public var id: String?
    public var kind: String
    /// The text of a message, action, notice, edit or topic.
    public var text: String?
    public var replyTo: String?
    public var threadRoot: String?
    public var mentions: [String]?
    /// The message a reaction, redaction or edit is about, or the nick a kick removed.
    public var target: String?
    /// The reaction (an emoji or short text).
    public var key: String?
    /// Why someone left (part, quit, kick).
    public var reason: String?
    public var newNick: String?
    public var awayMessage: String?
    public var senderIsOperator: Bool
    public var isHistory: Bool
    public var isOwn: Bool

    enum CodingKeys: String, CodingKey {
        case network, channel, sender, time, id, kind, text, mentions, target, key, reason
        case replyTo = "reply_to", threadRoot = "thread_root", newNick = "new_nick", awayMessage = "away_message"
        case senderIsOperator = "sender_is_operator", isHistory = "is_history", isOwn = "is_own"
    }

    public init(_ event: ChatEvent) {
        network = event.network
        channel = event.channel
        sender = Sender(
            nick: event.sender.nick, identity: event.sender.identity?.rawValue, address: event.sender.address,
            isBot: event.sender.isBot)
        time = event.time.timeIntervalSince1970
        id = event.id?.rawValue
        senderIsOperator = event.senderIsOperator
        isHistory = event.isHistory
        isOwn = event.isOwn
        kind = Self.kind(of: event.kind)
        if let message = event.message {
            text = message.text
            replyTo = message.replyTo?.rawValue
            threadRoot = message.threadRoot?.rawValue
            mentions = message.mentions
        }
        switch event.kind {
        case .part(let r), .quit(let r): reason = r
        case .kick(let t, let r):
            target = t
            reason = r
        case .nickChange(let n): newNick = n
        case .topic(let t): text = t
        case .reaction(let t, let k):
            target = t.rawValue
            key = k
        case .redaction(let t), .edit(let t, _): target = t.rawValue
        case .away(let m): awayMessage = m
        default: break
        }
    }

    /// The `kind` name of an event kind.
    public static func kind(of kind: ChatEvent.Kind) -> String {
        switch kind {
        case .message: "message"
        case .action: "action"
        case .notice: "notice"
        case .join: "join"
        case .part: "part"
        case .quit: "quit"
        case .kick: "kick"
        case .nickChange: "nick"
        case .topic: "topic"
        case .reaction: "reaction"
        case .redaction: "redaction"
        case .edit: "edit"
        case .away: "away"
        case .invite: "invite"
        }
    }
}
