/// Where the parts of one valid IRC line are, as offsets into its bytes: the result of parsing,
/// before any `String` exists. ``IRCLineView`` keeps it next to the line's bytes, and
/// ``IRCMessageParser`` turns it into an ``IRCMessage``.
///
/// ```
/// @time=…;msgid=Rk7 :nick!~nick@user/nick PRIVMSG #ubuntu :text
///  ╰ tags (≤ 4 kept) ╯ ╰────── source ─────╯ ╰command╯ ╰ parameters from here, found on demand
/// ```
///
/// The first ``storedTagCapacity`` tags are kept as offsets, so looking up a tag does not scan the
/// tag section again; further tags are found by walking on from the first one not kept.
struct IRCLineLayout: Sendable {
    // Offsets are Int32 (the parser rejects longer lines) to keep the layout small: it is copied
    // several times per line, and large values are copied with memcpy.
    private var sourceStart: Int32 = 0
    private var sourceEnd: Int32 = 0
    private var commandStart: Int32 = 0
    private var commandEnd: Int32 = 0
    /// Offset of the first tag's key (after `@`); stored tag offsets count from here.
    private var tagsStart: Int32 = 0
    /// Where the first tag that was not stored starts; 0 when all were (no key starts at 0).
    private var moreTags: Int32 = 0
    private var storedTagCount: UInt8 = 0
    /// Up to ``storedTagCapacity`` tags, each packed by ``Tag/packed(relativeTo:)``.
    private var storedTags = SIMD4<UInt64>()

    static let storedTagCapacity = 4

    var source: Range<Int>? { sourceEnd > sourceStart ? Int(sourceStart)..<Int(sourceEnd) : nil }
    var command: Range<Int> { Int(commandStart)..<Int(commandEnd) }
    /// Where the first parameter's search starts (right after the command).
    var parametersStart: Int { Int(commandEnd) }
    var hasTags: Bool { storedTagCount > 0 }

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
        @inline(__always)
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

    /// The tags with a non-empty key, in wire order (repeated keys included): the stored ones,
    /// then those found by walking on.
    struct Tags {
        fileprivate var stored = 0
        fileprivate var index: Int

        @inline(__always)
        mutating func next(_ layout: IRCLineLayout, _ line: WireLine) -> Tag? {
            guard stored == Int(layout.storedTagCount) else {
                stored += 1
                return Tag(packed: layout.storedTags[stored - 1], relativeTo: Int(layout.tagsStart))
            }
            return line.nextTag(&index)
        }
    }

    /// A walk over the tags of `line`, which this layout describes.
    @inline(__always)
    func tags(in line: WireLine) -> Tags {
        // Without more tags, the walk starts at the end of the line and finds none.
        Tags(index: moreTags > 0 ? Int(moreTags) : line.count)
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
    func tag(_ key: String, in line: WireLine) -> Tag? {
        // The usual key has at most 15 ASCII bytes: compared as two words, which `matches`
        // reads from the line only for keys of its length.
        let words = SmallASCII.Words(key)
        func matches(_ start: Int, _ end: Int) -> Bool {
            if let words { return end &- start == words.count && line.smallWords(start, words.count) == words }
            return line.buffer(start, end).elementsEqual(key.utf8)
        }
        var found: Tag?
        let base = Int(tagsStart)
        for i in 0..<Int(storedTagCount) {
            let packed = storedTags[i]
            if matches(base &+ Int(packed & 0xFFFF), base &+ Int(packed >> 16 & 0xFFFF)) { found = Tag(packed: packed, relativeTo: base) }
        }
        var index = moreTags > 0 ? Int(moreTags) : line.count
        while let tag = line.nextTag(&index) {
            if matches(tag.keyStart, tag.keyEnd) { found = tag }
        }
        return found
    }
}

// MARK: - Parsing

extension IRCLineLayout {
    /// Why a line is not an IRC message (see ``IRCMessageParser``).
    enum Failure: String, Swift.Error {
        case empty = "empty line"
        case long = "line longer than 2 GiB"
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
        guard line.count <= Int32.max else { return .failure(.long) }
        if line.containsNUL { return .failure(.nul) }
        var layout = IRCLineLayout()
        // Leading spaces are tolerated (seen from broken servers).
        var index = line.skippingSpaces(from: 0)
        guard index < line.count else { return .failure(.empty) }

        if line[index] == UInt8(ascii: "@") {
            let tagsStart = index + 1
            layout.tagsStart = Int32(tagsStart)
            var end = tagsStart
            while let tag = line.nextTag(&end) {
                guard layout.moreTags == 0, Int(layout.storedTagCount) < storedTagCapacity, let packed = tag.packed(relativeTo: tagsStart)
                else {
                    if layout.moreTags == 0 { layout.moreTags = Int32(tag.keyStart) }
                    continue
                }
                layout.storedTags[Int(layout.storedTagCount)] = packed
                layout.storedTagCount += 1
            }
            guard end - index <= maxTagBytes else { return .failure(.longTags) }
            guard end < line.count else { return .failure(.tagsOnly) }
            index = line.skippingSpaces(from: end)
        }

        if index < line.count, line[index] == UInt8(ascii: ":") {
            let start = index + 1
            let end = line.atomEnd(from: start)
            guard end > start else { return .failure(.emptySource) }
            (layout.sourceStart, layout.sourceEnd) = (Int32(start), Int32(end))
            index = line.skippingSpaces(from: end)
        }

        let commandStart = index
        index = line.atomEnd(from: commandStart)
        guard index > commandStart else { return .failure(.missingCommand) }
        guard line.isCommand(commandStart, index) else { return .failure(.invalidCommand) }
        (layout.commandStart, layout.commandEnd) = (Int32(commandStart), Int32(index))
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
    @inline(__always)
    fileprivate func isCommand(_ start: Int, _ end: Int) -> Bool {
        var letters = true
        // `| 0x20` lowercases a letter and maps no other byte into a…z.
        for i in start..<end { letters = letters && (self[i] | 0x20) &- UInt8(ascii: "a") < 26 }
        guard !letters, end - start == 3 else { return letters }
        return (start..<end).allSatisfy { self[$0] &- UInt8(ascii: "0") < 10 }
    }

    /// The next tag with a non-empty key from `index` (the start of a tag, after `@` or `;`),
    /// moving `index` past it; `nil` at the end of the tag section (the first space or the end of
    /// the line), with `index` there.
    @inline(__always)
    func nextTag(_ index: inout Int) -> IRCLineLayout.Tag? {
        while index < count, self[index] != UInt8(ascii: " ") {
            let start = index
            let keyEnd = firstIndex(of: UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: " "), from: start, to: count)
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
            index = valueEnd < count && self[valueEnd] == UInt8(ascii: ";") ? valueEnd + 1 : valueEnd
            if keyEnd > start { return IRCLineLayout.Tag(keyStart: start, keyEnd: keyEnd, valueEnd: valueEnd, escaped: escaped) }
        }
        return nil
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
