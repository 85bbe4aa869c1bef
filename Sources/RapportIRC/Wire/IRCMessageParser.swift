/// Parses IRC wire lines (without the trailing CR LF) into ``IRCMessage`` values.
///
/// Follows the modern IRC grammar with IRCv3 tags: several spaces separate atoms, a tag value's
/// escapes (`\:` `\s` `\\` `\r` `\n`) are undone, an unknown escape drops the backslash, and for
/// a repeated tag the last one wins. Invalid UTF-8 is replaced with U+FFFD rather than rejected.
/// Lines the grammar cannot describe throw ``IRCMessageParser/Error``; the connector logs and skips
/// them, so nothing a server sends can crash the bot.
///
/// The parser works on the line's bytes: one pass, eight bytes at a time, checks for NUL and
/// non-ASCII bytes; spaces, colons and semicolons are then found byte by byte, and each field
/// becomes a `String` once (without a second UTF-8 check when the whole line is ASCII).
public enum IRCMessageParser {
    /// Why a line is not an IRC message.
    public struct Error: Swift.Error, Hashable, CustomStringConvertible {
        /// What is wrong, as a sentence.
        public var reason: String
        /// The first 512 bytes of the offending line; decoded only when someone asks.
        var bytes: [UInt8]
        /// The offending line (lossily decoded, truncated to 512 bytes).
        public var line: String { bytes.withUnsafeBufferPointer { UTF8Repair.string($0, 0, $0.count) } }

        public var description: String { "\(reason): \(line.debugDescription)" }
    }

    /// The largest tag section (including `@` and the space) a line may carry.
    public static let maxTagBytes = 8191

    /// Parses one line.
    public static func parse(_ line: String) throws(Error) -> IRCMessage {
        var copy = line
        return try copy.withUTF8 { result($0) }.get()
    }

    /// Parses one line given as UTF-8 bytes, without CR LF.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> IRCMessage {
        try result(bytes).get()
    }

    /// Parses one line without throwing: the connector's hot path (a thrown error is costly
    /// where a test framework or debugger hooks `swift_willThrow`).
    public static func result(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<IRCMessage, Error> {
        let kind = UTF8Repair.Kind(of: bytes)
        if kind == .hasNUL { return .failure(failure("NUL byte in line", bytes)) }
        var line = Line(bytes: bytes, isASCII: kind == .ascii)
        // Leading spaces are tolerated (seen from broken servers).
        line.skipSpaces()
        guard !line.atEnd else { return .failure(failure("empty line", bytes)) }

        var tags: [IRCTag] = []
        if line.current == UInt8(ascii: "@") {
            let start = line.index + 1
            let end = line.atomEnd(from: start)
            guard end - line.index <= maxTagBytes else { return .failure(failure("tag section longer than 8191 bytes", bytes)) }
            guard end < bytes.count else { return .failure(failure("tags without a command", bytes)) }
            tags = line.tags(start, end)
            line.index = end
            line.skipSpaces()
        }

        var source: String?
        if !line.atEnd, line.current == UInt8(ascii: ":") {
            let start = line.index + 1
            let end = line.atomEnd(from: start)
            guard end > start else { return .failure(failure("empty source", bytes)) }
            source = line.string(start, end)
            line.index = end
            line.skipSpaces()
        }

        let commandStart = line.index
        line.index = line.atomEnd(from: commandStart)
        guard line.index > commandStart else { return .failure(failure("missing command", bytes)) }
        guard validCommand(bytes, commandStart, line.index) else { return .failure(failure("invalid command", bytes)) }
        let command = line.string(commandStart, line.index)

        var parameters: [String] = []
        parameters.reserveCapacity(4)
        while true {
            line.skipSpaces()
            guard !line.atEnd else { break }
            if line.current == UInt8(ascii: ":") {
                parameters.append(line.string(line.index + 1, bytes.count))
                break
            }
            let start = line.index
            line.index = line.atomEnd(from: start)
            parameters.append(line.string(start, line.index))
        }
        return .success(IRCMessage(tags: tags, source: source, command: command, parameters: parameters))
    }

    // MARK: - Pieces

    /// A command is letters only, or exactly three digits.
    private static func validCommand(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var letters = true
        var digits = true
        for i in start..<end {
            let b = bytes[i]
            let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            let isDigit = b >= 0x30 && b <= 0x39
            letters = letters && isLetter
            digits = digits && isDigit
        }
        return letters || (digits && end - start == 3)
    }

    private static func failure(_ reason: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Error {
        Error(reason: reason, bytes: Array(bytes.prefix(512)))
    }
}

/// A cursor over one line's bytes; every index it reads is below `bytes.count`.
private struct Line {
    let bytes: UnsafeBufferPointer<UInt8>
    /// No byte ≥ 0x80: every field is valid UTF-8 as it stands.
    let isASCII: Bool
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8 { bytes[index] }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    /// The index of the first space at or after `start` (or the end of the line).
    func atomEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: " ") { end += 1 }
        return end
    }

    /// The field `bytes[start..<end]` as a `String`, invalid UTF-8 replaced by U+FFFD.
    @inline(__always)
    func string(_ start: Int, _ end: Int) -> String {
        isASCII
            ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            : UTF8Repair.string(bytes, start, end)
    }

    /// The tags in `bytes[start..<end]` (after `@`, before the space); a repeated key keeps its
    /// first position and its last value.
    func tags(_ start: Int, _ end: Int) -> [IRCTag] {
        var tags: [IRCTag] = []
        tags.reserveCapacity(4)
        var index = start
        while index < end {
            let keyStart = index
            while index < end, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            let keyEnd = index
            var value = ""
            if index < end, bytes[index] == UInt8(ascii: "=") {
                index += 1
                let valueStart = index
                var escaped = false
                while index < end, bytes[index] != UInt8(ascii: ";") {
                    escaped = escaped || bytes[index] == UInt8(ascii: "\\")
                    index += 1
                }
                value = escaped ? unescape(valueStart, index) : string(valueStart, index)
            }
            if keyEnd > keyStart {
                let key = string(keyStart, keyEnd)
                if let existing = tags.firstIndex(where: { $0.key == key }) {
                    tags[existing].value = value
                } else {
                    tags.append(IRCTag(key, value))
                }
            }
            index += 1  // skip ';'
        }
        return tags
    }

    /// A tag value with its escapes undone (message-tags spec).
    private func unescape(_ start: Int, _ end: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var index = start
        while index < end {
            let b = bytes[index]
            index += 1
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                continue
            }
            guard index < end else { break }  // a trailing backslash is dropped
            let next = bytes[index]
            index += 1
            switch next {
            case UInt8(ascii: ":"): out.append(UInt8(ascii: ";"))
            case UInt8(ascii: "s"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "n"): out.append(0x0A)
            default: out.append(next)  // includes "\\\\" → "\\"
            }
        }
        return out.withUnsafeBufferPointer { UTF8Repair.string($0, 0, $0.count) }
    }
}
