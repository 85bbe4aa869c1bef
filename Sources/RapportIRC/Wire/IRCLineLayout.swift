/// Where the parts of one valid IRC line are, as offsets into its bytes: the result of parsing,
/// before any `String` exists. ``IRCLineView`` keeps it next to the line's `ByteBuffer`, and
/// ``IRCMessageParser`` turns it into an ``IRCMessage``.
///
/// ```
/// @time=…;msgid=Rk7 :nick!~nick@user/nick PRIVMSG #ubuntu :text
///  ╰ tags (≤ 8 kept) ╯ ╰────── source ─────╯ ╰command╯ ╰ parameters from here, found on demand
/// ```
///
/// The first ``storedTagCapacity`` tags are kept as offsets, so looking up a tag does not scan the
/// tag section again; further tags are found by walking on from ``moreTags``.
struct IRCLineLayout: Sendable {
    /// No byte of the line is ≥ 0x80.
    var isASCII: Bool
    var source: Range<Int>?
    var command: Range<Int>
    /// Where the first parameter's search starts (right after the command).
    var parametersStart: Int
    /// Offset of the first tag's key (after `@`); stored tag offsets count from here.
    var tagsStart = 0
    var storedTagCount = 0
    /// Up to ``storedTagCapacity`` tags, each packed by ``Tag/packed``.
    var storedTags = SIMD8<UInt64>()
    /// Where the first tag that was not stored starts, if there are more.
    var moreTags: Int?

    static let storedTagCapacity = 8

    /// One tag: key `keyStart..<keyEnd`; the value, when `valueEnd > keyEnd`, is
    /// `keyEnd + 1..<valueEnd` (after the `=`) and needs unescaping when `escaped`.
    struct Tag {
        var keyStart: Int
        var keyEnd: Int
        var valueEnd: Int
        var escaped: Bool

        var hasValue: Bool { valueEnd > keyEnd }

        /// The three offsets relative to `base`, 16 bits each, and the escape flag in bit 48;
        /// `nil` when an offset does not fit (only in a tag section the parser rejects as too long).
        func packed(relativeTo base: Int) -> UInt64? {
            guard base <= keyStart, keyStart <= keyEnd, keyEnd <= valueEnd, valueEnd - base <= 0xFFFF else { return nil }
            let offsets = (UInt64(keyStart - base), UInt64(keyEnd - base), UInt64(valueEnd - base))
            return offsets.0 | offsets.1 << 16 | offsets.2 << 32 | (escaped ? 1 << 48 : 0)
        }

        init(keyStart: Int, keyEnd: Int, valueEnd: Int, escaped: Bool) {
            (self.keyStart, self.keyEnd, self.valueEnd, self.escaped) = (keyStart, keyEnd, valueEnd, escaped)
        }

        init(packed: UInt64, relativeTo base: Int) {
            self.init(
                keyStart: base + Int(packed & 0xFFFF), keyEnd: base + Int(packed >> 16 & 0xFFFF),
                valueEnd: base + Int(packed >> 32 & 0xFFFF), escaped: packed >> 48 & 1 == 1)
        }
    }

    /// Calls `body` with every tag with a non-empty key, in wire order (repeated keys included).
    @inline(__always)
    func forEachTag(in line: WireLine, _ body: (Tag) -> Void) {
        for i in 0..<storedTagCount { body(Tag(packed: storedTags[i], relativeTo: tagsStart)) }
        if let moreTags { _ = line.walkTags(from: moreTags, body) }
    }

    /// The parameters from `parametersStart` on, in order.
    @inline(__always)
    func forEachParameter(in line: WireLine, _ body: (Range<Int>) -> Void) {
        var index = parametersStart
        while let (parameter, next) = line.parameter(from: index) {
            body(parameter)
            index = next
        }
    }

    /// The range of parameter `index`, or `nil`.
    func parameter(_ index: Int, in line: WireLine) -> Range<Int>? {
        var start = parametersStart
        for _ in 0..<index {
            guard let (_, next) = line.parameter(from: start) else { return nil }
            start = next
        }
        return line.parameter(from: start)?.range
    }

    /// The last tag whose key has exactly the bytes of `key` (the parser keeps a repeated key's
    /// last value).
    func tag(_ key: UnsafeBufferPointer<UInt8>, in line: WireLine) -> Tag? {
        var found: Tag?
        forEachTag(in: line) { tag in
            if tag.keyEnd - tag.keyStart == key.count, line.buffer(tag.keyStart, tag.keyEnd).elementsEqual(key) { found = tag }
        }
        return found
    }
}

// MARK: - Parsing

extension IRCLineLayout {
    /// Why a line is not an IRC message (see ``IRCMessageParser``).
    enum Failure: String, Swift.Error {
        case empty = "empty line"
        case nul = "NUL byte in line"
        case longTags = "tag section longer than 8191 bytes"
        case tagsOnly = "tags without a command"
        case emptySource = "empty source"
        case missingCommand = "missing command"
        case invalidCommand = "invalid command"
    }

    /// The largest tag section (including `@` and the space) a line may carry.
    static let maxTagBytes = 8191

    /// Parses `line`: every check the grammar makes, and the offsets of everything but the
    /// parameters (which cannot make a line invalid).
    static func parse(_ line: WireLine) -> Result<IRCLineLayout, Failure> {
        if line.containsNUL { return .failure(.nul) }
        // Leading spaces are tolerated (seen from broken servers).
        var index = line.skippingSpaces(from: 0)
        guard index < line.count else { return .failure(.empty) }

        var tagsStart = 0
        var storedTagCount = 0
        var storedTags = SIMD8<UInt64>()
        var moreTags: Int?
        if line[index] == UInt8(ascii: "@") {
            tagsStart = index + 1
            let end = line.walkTags(from: tagsStart) { tag in
                guard moreTags == nil, storedTagCount < storedTagCapacity, let packed = tag.packed(relativeTo: tagsStart) else {
                    if moreTags == nil { moreTags = tag.keyStart }
                    return
                }
                storedTags[storedTagCount] = packed
                storedTagCount += 1
            }
            guard end - index <= maxTagBytes else { return .failure(.longTags) }
            guard end < line.count else { return .failure(.tagsOnly) }
            index = line.skippingSpaces(from: end)
        }

        var source: Range<Int>?
        if index < line.count, line[index] == UInt8(ascii: ":") {
            let start = index + 1
            let end = line.atomEnd(from: start)
            guard end > start else { return .failure(.emptySource) }
            source = start..<end
            index = line.skippingSpaces(from: end)
        }

        let commandStart = index
        index = line.atomEnd(from: commandStart)
        guard index > commandStart else { return .failure(.missingCommand) }
        guard line.isCommand(commandStart, index) else { return .failure(.invalidCommand) }

        var layout = IRCLineLayout(isASCII: line.isASCII, source: source, command: commandStart..<index, parametersStart: index)
        (layout.tagsStart, layout.storedTagCount, layout.storedTags, layout.moreTags) = (tagsStart, storedTagCount, storedTags, moreTags)
        return .success(layout)
    }
}

extension WireLine {
    /// The index of the first space at or after `start` (or `count`).
    @inline(__always)
    func atomEnd(from start: Int) -> Int {
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

    /// Walks the tags from `start` up to the first space or the end of the line, calling `body`
    /// for each tag with a non-empty key; returns where the tag section ends.
    @inline(__always)
    func walkTags(from start: Int, _ body: (IRCLineLayout.Tag) -> Void) -> Int {
        var index = start
        while true {
            let keyEnd = firstIndex(of: UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: " "), from: index, to: count)
            var valueEnd = keyEnd
            var escaped = false
            if keyEnd < count, self[keyEnd] == UInt8(ascii: "=") {
                // A backslash escapes the byte after it but cannot hide a ';' or a space.
                valueEnd = firstIndex(of: UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\\"), from: keyEnd + 1, to: count)
                if valueEnd < count, self[valueEnd] == UInt8(ascii: "\\") {
                    escaped = true
                    valueEnd = firstIndex(of: UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: " "), from: valueEnd + 1, to: count)
                }
            }
            if keyEnd > index { body(IRCLineLayout.Tag(keyStart: index, keyEnd: keyEnd, valueEnd: valueEnd, escaped: escaped)) }
            guard valueEnd < count, self[valueEnd] == UInt8(ascii: ";") else { return valueEnd }
            index = valueEnd + 1
        }
    }

    /// The parameter whose search starts at `start` (spaces skipped; a `:` starts the last one),
    /// and where the next search starts; `nil` when there is none.
    @inline(__always)
    func parameter(from start: Int) -> (range: Range<Int>, next: Int)? {
        let index = skippingSpaces(from: start)
        guard index < count else { return nil }
        if self[index] == UInt8(ascii: ":") { return (index + 1..<count, count) }
        let end = atomEnd(from: index)
        return (index..<end, end)
    }

    /// The value of `tag` as a `String`: unescaped, `""` when it has none.
    func value(of tag: IRCLineLayout.Tag) -> String {
        guard tag.hasValue else { return "" }
        return tag.escaped ? unescape(tag.keyEnd + 1, tag.valueEnd) : string(tag.keyEnd + 1, tag.valueEnd)
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
