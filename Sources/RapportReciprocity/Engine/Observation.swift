import Foundation
public import RapportCore

/// A ``ChatEvent`` reduced to the plain values the ``ReciprocityEngine`` needs.
///
/// Live events are converted by ``init(_:)``; `Replay` builds observations straight from log
/// lines, so both go through the very same engine.
public struct Observation: Sendable {
    public enum Kind: Sendable, Hashable {
        case message
        case action
        case join
        case leave
        case nickChange(newNick: String)
        /// `key` (an emoji) on the message `target`.
        case reaction(target: MessageID, key: String)
        case other
    }

    public var kind: Kind
    public var network: String
    public var channel: String
    public var nick: String
    public var isBot: Bool
    /// Seconds since 1970 (only differences and days matter).
    public var time: Double
    public var text: String
    public var id: MessageID?
    public var replyTo: MessageID?

    public init(
        kind: Kind, network: String = "", channel: String, nick: String, isBot: Bool = false, time: Double, text: String = "",
        id: MessageID? = nil, replyTo: MessageID? = nil
    ) {
        self.kind = kind
        self.network = network
        self.channel = channel
        self.nick = nick
        self.isBot = isBot
        self.time = time
        self.text = text
        self.id = id
        self.replyTo = replyTo
    }

    /// The observation of a live event, or `nil` for events outside a channel (DMs, quits,
    /// invites: the bot is not in the channel it is invited to) and for the bot's own messages
    /// and notices.
    public init?(_ event: ChatEvent) {
        guard let channel = event.channel, !event.isOwn, event.kind != .invite else { return nil }
        let kind: Kind
        var text = ""
        var replyTo: MessageID?
        switch event.kind {
        case .message(let m):
            kind = .message
            text = m.text
            replyTo = m.replyTo
        case .action(let m):
            kind = .action
            text = m.text
            replyTo = m.replyTo
        case .join: kind = .join
        case .part, .kick: kind = .leave
        case .reaction(let target, let key): kind = .reaction(target: target, key: key)
        case .notice, .edit, .redaction, .topic, .away, .invite, .quit, .nickChange: kind = .other
        }
        self.init(
            kind: kind, network: event.network, channel: channel, nick: event.sender.nick, isBot: event.sender.isBot,
            time: event.time.timeIntervalSince1970, text: text, id: event.id, replyTo: replyTo)
    }
}
