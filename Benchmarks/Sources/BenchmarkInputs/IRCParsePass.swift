import Foundation
public import NIOCore
import RapportIRC

/// The IRC parser at the three depths the benchmarks measure, over channel messages wrapped the
/// way InspIRCd sends them to a bot with server-time, message-tags and account-tag.
public enum IRCParsePass {
    /// What a pass makes of each line.
    public enum Depth: String, CaseIterable, Sendable {
        /// ``IRCLineView`` only: the offsets, no strings.
        case view
        /// The view plus what the session reads from a channel PRIVMSG for its `ChatEvent`: the
        /// command, target, text, the nick of a user source, and the session's tags in
        /// one pass (``IRCTextTags``: time as a `Date`, msgid, account, reply, batch, bot), as
        /// `IRCSessionStateMachine.receive(_:now:)` reads them.
        case event
        /// A full ``IRCMessage`` (every field a `String`, tag and parameter arrays).
        case message
    }

    /// Lines to parse: as bytes (the full-message pass) and as the `ByteBuffer`s the connector reads.
    public struct Input: Sendable {
        public let bytes: [[UInt8]]
        public let buffers: [ByteBuffer]

        /// `lines` as InspIRCd would send them to a bot in `#ubuntu`.
        public init(_ lines: [(nick: String, text: String)]) {
            bytes = lines.enumerated().map { n, line in
                let time = String(format: "%02d:00.%03d", n % 60, n % 1000)
                let nick = line.nick
                return Array("@time=2011-05-29T19:\(time)Z;msgid=Rk7\(n)xQ;account=\(nick) :\(nick)!~\(nick)@user/\(nick) PRIVMSG #ubuntu :\(line.text)".utf8)
            }
            buffers = bytes.map { ByteBuffer(bytes: $0) }
        }

        public var count: Int { bytes.count }
        public var byteCount: Int { bytes.reduce(0) { $0 + $1.count } }
    }

    /// Parses each line of `input` to `depth`; returns a checksum so nothing is optimised away.
    /// Views read `ByteBuffer`s as the connector gets them; messages, as before the view, byte arrays.
    public static func parse(_ input: Input, to depth: Depth) -> Int {
        switch depth {
        case .view: parseViews(input.buffers)
        case .event: parseEventFields(input.buffers)
        case .message: parseMessages(input.bytes)
        }
    }

    @inline(never)
    static func parseViews(_ lines: [ByteBuffer]) -> Int {
        var checksum = 0
        for line in lines {
            if case .success(let view) = IRCLineView.parse(line) { checksum &+= MemoryLayout.size(ofValue: view) }
        }
        return checksum
    }

    @inline(never)
    static func parseEventFields(_ lines: [ByteBuffer]) -> Int {
        var checksum = 0
        for line in lines {
            guard case .success(let view) = IRCLineView.parse(line) else { continue }
            func length(_ field: String?) -> Int { field?.utf8.count ?? 0 }
            guard view.command == "PRIVMSG" else { continue }
            guard let (target, text) = view.targetAndText else { continue }
            checksum &+= target.utf8.count &+ text.utf8.count &+ length(view.userNick)
            let tags = view.textTags
            checksum &+= length(tags.msgid) &+ length(tags.account) &+ length(tags.reply) &+ length(tags.batch)
            checksum &+= Int(tags.time?.timeIntervalSince1970 ?? 0) &+ (tags.isBot ? 1 : 0)
        }
        return checksum
    }

    /// The parser as the connector used it before the view: bytes to a full ``IRCMessage``.
    @inline(never)
    static func parseMessages(_ lines: [[UInt8]]) -> Int {
        var checksum = 0
        for line in lines {
            if case .success(let message) = line.withUnsafeBufferPointer({ IRCMessageParser.result($0) }) {
                checksum &+= message.parameters.count &+ message.tags.count
            }
        }
        return checksum
    }
}
