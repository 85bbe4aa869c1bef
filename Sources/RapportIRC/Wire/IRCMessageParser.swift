/// Parses IRC wire lines (without the trailing CR LF) into ``IRCMessage`` values.
///
/// Follows the modern IRC grammar with IRCv3 tags: several spaces separate atoms, a tag value's
/// escapes (`\:` `\s` `\\` `\r` `\n`) are undone, an unknown escape drops the backslash, and for
/// a repeated tag the last one wins. Invalid UTF-8 is replaced with U+FFFD rather than rejected.
/// Lines the grammar cannot describe throw ``IRCMessageParser/Error``; the connector logs and skips
/// them, so nothing a server sends can crash the bot.
///
/// The parser works on the line's bytes (``WireLine``) and finds the parts' offsets first
/// (``IRCLineLayout``, also behind ``IRCLineView``): one pass, sixteen bytes at a time, checks
/// for NUL and non-ASCII bytes; spaces, `=`, `;` and backslashes are then found eight bytes at a
/// time, and each field becomes a `String` once: on an ASCII line without a UTF-8 check, and
/// directly in small-string form when it has at most 15 bytes (``SmallASCII``), which covers the
/// command, the tag keys and most short values without any allocation.
public enum IRCMessageParser {
    /// Why a line is not an IRC message.
    public struct Error: Swift.Error, Hashable, CustomStringConvertible {
        /// What is wrong, as a sentence.
        public var reason: String
        /// The first 512 bytes of the offending line; decoded only when someone asks.
        var bytes: [UInt8]
        /// The offending line (lossily decoded, truncated to 512 bytes).
        public var line: String { bytes.withUnsafeBufferPointer { UTF8Repair.string($0) } }

        public var description: String { "\(reason): \(line.debugDescription)" }
    }

    /// The largest tag section (including `@` and the space) a line may carry.
    public static let maxTagBytes = IRCLineLayout.maxTagBytes

    /// Parses one line.
    public static func parse(_ line: String) throws(Error) -> IRCMessage {
        var copy = line
        return try copy.withUTF8 { result($0) }.get()
    }

    /// Parses one line given as UTF-8 bytes, without CR LF.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> IRCMessage {
        try result(bytes).get()
    }

    /// Parses one line without throwing (a thrown error is costly where a test framework or
    /// debugger hooks `swift_willThrow`). The connector parses into an ``IRCLineView`` instead.
    public static func result(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<IRCMessage, Error> {
        layout(bytes) { IRCMessage($0, $1) }
    }

    /// Parses `bytes` into their ``IRCLineLayout`` and returns what `body` makes of the line and
    /// its layout: the one parsing path behind ``IRCMessage`` and ``IRCLineView``.
    @inline(__always)
    static func layout<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (WireLine, IRCLineLayout) -> T) -> Result<T, Error> {
        guard let line = WireLine(bytes) else { return .failure(failure(.empty, bytes)) }
        switch IRCLineLayout.parse(line) {
        case .success(let layout): return .success(body(line, layout))
        case .failure(let reason): return .failure(failure(reason, bytes))
        }
    }

    private static func failure(_ reason: IRCLineLayout.Failure, _ bytes: UnsafeBufferPointer<UInt8>) -> Error {
        Error(reason: reason.rawValue, bytes: Array(bytes.prefix(512)))
    }
}

extension IRCMessage {
    /// The message `layout` describes in `line`: every field made a `String`, a repeated tag
    /// key kept at its first position with its last value.
    init(_ line: WireLine, _ layout: IRCLineLayout) {
        var tags: [IRCTag] = []
        if layout.hasTags { tags.reserveCapacity(4) }
        var walk = layout.tags(in: line)
        while let tag = walk.next(layout, line) {
            let key = line.string(tag.keyStart, tag.keyEnd)
            let value = line.value(of: tag)
            // Comparing lengths first keeps the usual case (all keys differ) out of `==`.
            if let existing = tags.firstIndex(where: { $0.key.utf8.count == key.utf8.count && $0.key == key }) {
                tags[existing].value = value
            } else {
                tags.append(IRCTag(key, value))
            }
        }
        var parameters: [String] = []
        parameters.reserveCapacity(4)
        var index = layout.parametersStart
        while let (parameter, next) = line.parameter(from: index) {
            parameters.append(line.string(parameter))
            index = next
        }
        self.init(tags: tags, source: layout.source.map(line.string), command: line.string(layout.command), parameters: parameters)
    }
}
