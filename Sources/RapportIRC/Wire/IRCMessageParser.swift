/// Parses IRC wire lines (without the trailing CR LF) into ``IRCMessage`` values.
///
/// Follows the modern IRC grammar with IRCv3 tags: several spaces separate atoms, a tag value's
/// escapes (`\:` `\s` `\\` `\r` `\n`) are undone, an unknown escape drops the backslash, and for
/// a repeated tag the last one wins. Invalid UTF-8 is replaced with U+FFFD rather than rejected.
/// Lines the grammar cannot describe throw ``IRCMessageParser/Error``; the connector logs and skips
/// them, so nothing a server sends can crash the bot.
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
        let count = bytes.count
        var index = 0
        // Leading spaces are tolerated (seen from broken servers).
        while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        guard index < count else { return .failure(failure("empty line", bytes)) }
        if bytes.contains(0) { return .failure(failure("NUL byte in line", bytes)) }

        var tags: [IRCTag] = []
        if bytes[index] == UInt8(ascii: "@") {
            let start = index + 1
            var end = start
            while end < count, bytes[end] != UInt8(ascii: " ") { end += 1 }
            guard end - index <= maxTagBytes else { return .failure(failure("tag section longer than 8191 bytes", bytes)) }
            guard end < count else { return .failure(failure("tags without a command", bytes)) }
            tags = parseTags(bytes, start, end)
            index = end
            while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        var source: String?
        if index < count, bytes[index] == UInt8(ascii: ":") {
            let start = index + 1
            var end = start
            while end < count, bytes[end] != UInt8(ascii: " ") { end += 1 }
            guard end > start else { return .failure(failure("empty source", bytes)) }
            source = string(bytes, start, end)
            index = end
            while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        let commandStart = index
        while index < count, bytes[index] != UInt8(ascii: " ") { index += 1 }
        guard index > commandStart else { return .failure(failure("missing command", bytes)) }
        guard validCommand(bytes, commandStart, index) else { return .failure(failure("invalid command", bytes)) }
        let command = string(bytes, commandStart, index)

        var parameters: [String] = []
        while true {
            while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard index < count else { break }
            if bytes[index] == UInt8(ascii: ":") {
                parameters.append(string(bytes, index + 1, count))
                break
            }
            let start = index
            while index < count, bytes[index] != UInt8(ascii: " ") { index += 1 }
            parameters.append(string(bytes, start, index))
        }
        return .success(IRCMessage(tags: tags, source: source, command: command, parameters: parameters))
    }

    // MARK: - Pieces

    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        UTF8Repair.string(bytes, start, end)
    }

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

    private static func parseTags(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [IRCTag] {
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
                    if bytes[index] == UInt8(ascii: "\\") { escaped = true }
                    index += 1
                }
                value = escaped
                    ? unescape(bytes, valueStart, index) : string(bytes, valueStart, index)
            }
            if keyEnd > keyStart {
                let key = string(bytes, keyStart, keyEnd)
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

    private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
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

    private static func failure(_ reason: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Error {
        Error(reason: reason, bytes: Array(bytes.prefix(512)))
    }
}
