/// Parses IRC wire lines (without the trailing CR LF) into ``IRCMessage`` values.
///
/// Follows the modern IRC grammar with IRCv3 tags: several spaces separate atoms, a tag value's
/// escapes (`\:` `\s` `\\` `\r` `\n`) are undone, an unknown escape drops the backslash, and for
/// a repeated tag the last one wins. Invalid UTF-8 is replaced with U+FFFD rather than rejected.
/// Lines the grammar cannot describe throw ``IRCMessageParser/Error``; the connector logs and skips
/// them, so nothing a server sends can crash the bot.
///
/// The parser works on the line's bytes (``WireLine``): one pass, sixteen bytes at a time, checks
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
        guard let line = WireLine(bytes) else { return .failure(failure("empty line", bytes)) }
        if line.containsNUL { return .failure(failure("NUL byte in line", bytes)) }
        // Leading spaces are tolerated (seen from broken servers).
        var index = line.skippingSpaces(from: 0)
        guard index < line.count else { return .failure(failure("empty line", bytes)) }

        var tags: [IRCTag] = []
        if line[index] == UInt8(ascii: "@") {
            let end: Int
            (tags, end) = line.tags(from: index + 1)
            guard end - index <= maxTagBytes else { return .failure(failure("tag section longer than 8191 bytes", bytes)) }
            guard end < line.count else { return .failure(failure("tags without a command", bytes)) }
            index = line.skippingSpaces(from: end)
        }

        var source: String?
        if index < line.count, line[index] == UInt8(ascii: ":") {
            let start = index + 1
            let end = line.atomEnd(from: start)
            guard end > start else { return .failure(failure("empty source", bytes)) }
            source = line.string(start, end)
            index = line.skippingSpaces(from: end)
        }

        let commandStart = index
        index = line.atomEnd(from: commandStart)
        guard index > commandStart else { return .failure(failure("missing command", bytes)) }
        guard line.isCommand(commandStart, index) else { return .failure(failure("invalid command", bytes)) }
        let command = line.string(commandStart, index)

        var parameters: [String] = []
        parameters.reserveCapacity(4)
        while true {
            index = line.skippingSpaces(from: index)
            guard index < line.count else { break }
            if line[index] == UInt8(ascii: ":") {
                parameters.append(line.string(index + 1, line.count))
                break
            }
            let start = index
            index = line.atomEnd(from: start)
            parameters.append(line.string(start, index))
        }
        return .success(IRCMessage(tags: tags, source: source, command: command, parameters: parameters))
    }

    // MARK: - Pieces

    private static func failure(_ reason: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Error {
        Error(reason: reason, bytes: Array(bytes.prefix(512)))
    }
}

extension WireLine {
    /// The index of the first space at or after `start` (or `count`).
    fileprivate func atomEnd(from start: Int) -> Int {
        firstIndex(of: UInt8(ascii: " "), UInt8(ascii: " "), UInt8(ascii: " "), from: start, to: count)
    }

    /// Whether `self[start..<end]` is a command: letters only, or exactly three digits.
    fileprivate func isCommand(_ start: Int, _ end: Int) -> Bool {
        var letters = true
        var digits = true
        for i in start..<end {
            let b = self[i]
            let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            let isDigit = b >= 0x30 && b <= 0x39
            letters = letters && isLetter
            digits = digits && isDigit
        }
        return letters || (digits && end - start == 3)
    }

    /// The tags from `start` (after `@`) up to the first space or the end of the line, and where
    /// they end; a repeated key keeps its first position and its last value.
    fileprivate func tags(from start: Int) -> (tags: [IRCTag], end: Int) {
        var tags: [IRCTag] = []
        tags.reserveCapacity(4)
        var index = start
        while true {
            let keyEnd = firstIndex(of: UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: " "), from: index, to: count)
            var valueEnd = keyEnd
            var value = ""
            if keyEnd < count, self[keyEnd] == UInt8(ascii: "=") {
                // A backslash escapes the byte after it but cannot hide a ';' or a space.
                valueEnd = firstIndex(of: UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\\"), from: keyEnd + 1, to: count)
                var escaped = false
                while valueEnd < count, self[valueEnd] == UInt8(ascii: "\\") {
                    escaped = true
                    valueEnd = firstIndex(of: UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: " "), from: valueEnd + 1, to: count)
                }
                value = escaped ? unescape(keyEnd + 1, valueEnd) : string(keyEnd + 1, valueEnd)
            }
            if keyEnd > index {
                let key = string(index, keyEnd)
                // Comparing lengths first keeps the usual case (all keys differ) out of `==`.
                if let existing = tags.firstIndex(where: { $0.key.utf8.count == key.utf8.count && $0.key == key }) {
                    tags[existing].value = value
                } else {
                    tags.append(IRCTag(key, value))
                }
            }
            guard valueEnd < count, self[valueEnd] == UInt8(ascii: ";") else { return (tags, valueEnd) }
            index = valueEnd + 1
        }
    }

    /// A tag value with its escapes undone (message-tags spec).
    private func unescape(_ start: Int, _ end: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { out in
            var count = 0
            var index = start
            while index < end {
                var b = self[index]
                index += 1
                if b == UInt8(ascii: "\\") {
                    guard index < end else { break }  // a trailing backslash is dropped
                    switch self[index] {
                    case UInt8(ascii: ":"): b = UInt8(ascii: ";")
                    case UInt8(ascii: "s"): b = UInt8(ascii: " ")
                    case UInt8(ascii: "r"): b = 0x0D
                    case UInt8(ascii: "n"): b = 0x0A
                    default: b = self[index]  // includes "\\\\" → "\\"
                    }
                    index += 1
                }
                out[count] = b
                count += 1
            }
            return UTF8Repair.string(UnsafeBufferPointer(rebasing: out[..<count]))
        }
    }
}
