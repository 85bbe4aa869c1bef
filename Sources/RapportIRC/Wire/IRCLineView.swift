public import NIOCore

/// One parsed IRC line that makes `String`s only for the fields a caller reads: the line's
/// `ByteBuffer` and the offsets of its parts (``IRCLineLayout``), nothing else.
///
/// ```
/// @time=2011-05-29T19:07:00.007Z;msgid=Rk77xQ;account=nick :nick!~nick@user/nick PRIVMSG #ubuntu :text
/// view.command == "PRIVMSG", view.parameter(0) == "#ubuntu", view.tag("account") == "nick"
/// ```
///
/// The connector reads channel messages, most of its input, this way: the fields of a channel
/// message's event cost about 1,000 instructions a line less than a full ``IRCMessage``, whose
/// every field is a `String` in tag and parameter arrays (BENCHMARKS.md).
/// Parsing is ``IRCMessageParser``'s, so a view accepts, rejects and splits exactly the lines
/// the parser does, and ``IRCMessage/init(_:)`` gives the same message the parser would.
public struct IRCLineView: IRCMessageFields {
    /// The `ByteBuffer` storage `line` points into: holding it keeps those bytes alive and
    /// unchanged (a `ByteBuffer` sharing storage copies it before writing), as NIO's
    /// `withUnsafeReadableBytesWithStorageManagement` documents.
    private let owner: AnyObject
    private let line: WireLine
    private let layout: IRCLineLayout

    /// Parses one line (without CR LF); the view keeps the buffer's storage.
    public static func parse(_ bytes: ByteBuffer) -> Result<IRCLineView, IRCMessageParser.Error> {
        bytes.withUnsafeReadableBytesWithStorageManagement { raw, storage in
            IRCMessageParser.layout(raw.bindMemory(to: UInt8.self)) { line, layout in
                IRCLineView(owner: storage.takeUnretainedValue(), line: line, layout: layout)
            }
        }
    }

    /// The command or numeric, as sent.
    public var command: String { line.string(layout.command) }

    /// The source (`nick!user@host` or a server name), without the leading colon.
    public var source: String? { layout.source.map(line.string) }

    /// The nick part of ``source`` (everything before `!`, else before `@`), or the whole source.
    public var sourceNick: String? {
        layout.source.map { source in
            let bang = first(UInt8(ascii: "!"), in: source)
            return line.string(source.lowerBound, bang < source.upperBound ? bang : first(UInt8(ascii: "@"), in: source))
        }
    }

    /// Whether the source is a user (`nick!user@host`) rather than a server.
    public var sourceIsUser: Bool {
        guard let source = layout.source else { return false }
        return first(UInt8(ascii: "!"), in: source) < source.upperBound || first(UInt8(ascii: "."), in: source) == source.upperBound
    }

    /// ``sourceNick`` when ``sourceIsUser``, else `nil`: for a `nick!user@host` source, one search.
    public var userNick: String? {
        guard let source = layout.source else { return nil }
        let bang = first(UInt8(ascii: "!"), in: source)
        if bang < source.upperBound { return line.string(source.lowerBound, bang) }
        guard first(UInt8(ascii: "."), in: source) == source.upperBound else { return nil }
        return line.string(source.lowerBound, first(UInt8(ascii: "@"), in: source))
    }

    /// Where the first `byte` in `range` is, or its end.
    private func first(_ byte: UInt8, in range: Range<Int>) -> Int {
        line.firstIndex(of: byte, byte, byte, from: range.lowerBound, to: range.upperBound)
    }

    /// The parameter at `index`, or `nil`.
    public func parameter(_ index: Int) -> String? {
        layout.parameter(index, in: line).map(line.string)
    }

    /// The first two parameters (a PRIVMSG's or NOTICE's target and text), or `nil` when there
    /// are fewer: one walk over them.
    public var targetAndText: (target: String, text: String)? {
        guard let (target, next) = line.parameter(from: layout.parametersStart), let (text, _) = line.parameter(from: next) else { return nil }
        return (line.string(target), line.string(text))
    }

    /// The unescaped value of tag `key` (`""` for a tag without value), or `nil` when it is
    /// absent; keys are compared byte for byte, and a repeated key gives its last value.
    public func tag(_ key: String) -> String? {
        layout.tag(key, in: line).map(line.value)
    }

    /// The tags the session reads from a PRIVMSG or NOTICE, found in one pass.
    public var textTags: IRCTextTags { layout.textTags(in: line) }
}

extension IRCMessage {
    /// The full message of `view`: equal to what ``IRCMessageParser`` makes of the same line.
    public init(_ view: IRCLineView) {
        self = view.message
    }
}

extension IRCLineView {
    fileprivate var message: IRCMessage { IRCMessage(line, layout) }
}
