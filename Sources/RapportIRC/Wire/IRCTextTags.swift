public import Foundation

/// The tags the session reads from a PRIVMSG or NOTICE, picked out in one pass over the tags
/// instead of one search per key.
///
/// ```
/// @time=2011-05-29T19:07:00.007Z;msgid=Rk77xQ;account=nick;+draft/reply=Rk76;bot :nick!… PRIVMSG …
/// → time 2011-05-29 19:07:00.007 +0000, msgid "Rk77xQ", account "nick", reply "Rk76", isBot
/// ```
///
/// A repeated key gives its last value, as ``IRCMessage/tag(_:)`` and ``IRCLineView/tag(_:)`` do.
public struct IRCTextTags: Sendable, Equatable {
    /// `account` (account-tag): the sender's services account.
    public internal(set) var account: String?
    /// `time` (server-time); `nil` when absent or not a time.
    public var time: Date? { secondsSince1970.map(Date.init(timeIntervalSince1970:)) }
    /// `time` as ``ServerTime`` reads it.
    var secondsSince1970: TimeInterval?
    /// `msgid`: the message's id.
    public internal(set) var msgid: String?
    /// `+draft/reply`: the id of the message this one answers.
    public internal(set) var reply: String?
    /// `batch`: the reference of the batch the message belongs to.
    public internal(set) var batch: String?
    /// `bot` or `draft/bot` is present: the sender says it is a bot.
    public internal(set) var isBot = false

    /// The keys read, by their names on the wire.
    enum Key: String, CaseIterable {
        case account, time, msgid, batch, bot
        case reply = "+draft/reply"
        case draftBot = "draft/bot"

        /// The key whose name has the bytes of `words` (a tag key of at most 15 bytes), if any.
        @inline(__always)
        init?(_ words: SmallASCII.Words) {
            // Each name's bytes, first byte lowest, the top byte `0xE0 | count` (``SmallASCII``);
            // `IRCTextTagsTests` checks them against the names.
            switch (words.count, words.low, words.high) {
            case (3, 0x0000_0000_0074_6F62, _): self = .bot
            case (4, 0x0000_0000_656D_6974, _): self = .time
            case (5, 0x0000_0064_6967_736D, _): self = .msgid
            case (5, 0x0000_0068_6374_6162, _): self = .batch
            case (7, 0x0074_6E75_6F63_6361, _): self = .account
            case (9, 0x6F62_2F74_6661_7264, 0xE900_0000_0000_0074): self = .draftBot
            case (12, 0x722F_7466_6172_642B, 0xEC00_0000_796C_7065): self = .reply
            default: return nil
            }
        }
    }

    /// Where each key's value is (the last one of a repeated key), found in one walk before any
    /// value is made.
    struct Found<Value> {
        var account, time, msgid, reply, batch: Value?
        var isBot = false

        @inline(__always)
        mutating func record(_ key: Key, _ value: Value) {
            switch key {
            case .account: account = value
            case .time: time = value
            case .msgid: msgid = value
            case .reply: reply = value
            case .batch: batch = value
            case .bot, .draftBot: isBot = true
            }
        }
    }

}

extension IRCTextTags.Found {
    /// The values found, made with `string` (the time with `seconds`). (Made in one memberwise
    /// call: assigning the fields one by one in an initialiser costs a copy and a destroy of
    /// the whole struct, five strings' retains and releases.)
    @inline(__always)
    func tags(string: (Value) -> String, seconds: (Value) -> TimeInterval?) -> IRCTextTags {
        IRCTextTags(
            account: account.map(string), secondsSince1970: time.flatMap(seconds), msgid: msgid.map(string),
            reply: reply.map(string), batch: batch.map(string), isBot: isBot)
    }
}

extension IRCMessage {
    /// The tags the session reads from a PRIVMSG or NOTICE.
    public var textTags: IRCTextTags {
        var found = IRCTextTags.Found<String>()
        for tag in tags {
            if let key = IRCTextTags.Key(rawValue: tag.key) { found.record(key, tag.value) }
        }
        return found.tags(string: { $0 }, seconds: ServerTime.seconds)
    }
}

extension IRCLineLayout {
    /// The tags the session reads from a PRIVMSG or NOTICE of `line`, which this layout describes:
    /// keys compared as small-string words, values made only for the keys read, the time read
    /// from the bytes when it has the usual form.
    @inline(__always)
    func textTags(in line: WireLine) -> IRCTextTags {
        var found = IRCTextTags.Found<Tag>()
        var walk = tags(in: line)
        while let tag = walk.next(self, line) {
            let length = tag.keyEnd &- tag.keyStart
            if length <= SmallASCII.capacity, let key = IRCTextTags.Key(line.smallWords(tag.keyStart, length)) {
                found.record(key, tag)
            }
        }
        return found.tags(string: line.value(of:), seconds: line.seconds(of:))
    }
}

extension WireLine {
    /// The value of `tag` as a server time: straight from the bytes in the usual form
    /// (``ServerTime/exactSeconds(_:)``), else through its `String`.
    func seconds(of tag: IRCLineLayout.Tag) -> TimeInterval? {
        if tag.hasValue, !tag.escaped, let seconds = ServerTime.exactSeconds(buffer(tag.keyEnd &+ 1, tag.valueEnd)) { return seconds }
        return ServerTime.seconds(value(of: tag))
    }
}
