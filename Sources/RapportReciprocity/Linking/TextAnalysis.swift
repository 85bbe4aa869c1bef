public import RapportCore

/// The parts of a message's text that the linker and the detectors look at, computed once.
///
/// Works on UTF-8 bytes so that a replay of hundreds of thousands of lines stays fast: words are
/// lower-cased (ASCII) and hashed, and every word is also hashed as a nick under the channel's
/// casemapping so that addressing (`bob:`, `bob,`, `@bob`) is a table lookup.
public struct TextAnalysis: Sendable, Hashable {
    /// One whitespace-separated token.
    public struct Token: Sendable, Hashable {
        /// Hash of the word, lower-cased, with surrounding punctuation removed (`0` if nothing is left).
        public var word: UInt64
        /// Hash of the token folded as a nick, with chat punctuation (`:`, `,`, `@`, …) removed.
        public var nick: UInt64
        /// Hash of the token folded as a nick, exactly as typed (nicks may end in `_` or `|`).
        public var rawNick: UInt64
        /// Whether the token ends with `:` or `,` (addressing when it comes first).
        public var addressMark: Bool
        /// Whether the token starts with `@`.
        public var atMark: Bool
        /// Length of the stripped word in bytes.
        public var length: Int
    }

    /// The tokens in order.
    public var tokens: [Token]
    /// Sorted, unique word hashes of the content words (three letters or more, not stop words).
    public var contentWords: [UInt64]
    /// The first token's folded nick form as text when it is marked as addressing (`hik:`,
    /// `@hik`), for prefix matching of shortened nicks; empty otherwise.
    public var addressPrefix: String
    /// Whether the text ends with `?` (ignoring trailing spaces and smileys).
    public var endsWithQuestionMark: Bool
    /// Whether the text contains a `?` anywhere.
    public var hasQuestionMark: Bool
    /// Whether any byte is outside ASCII.
    public var hasNonASCII: Bool
    /// Whether the text starts with `!` (a bot command).
    public var startsWithBang: Bool
    /// Whether the text (three bytes or more) contains `++` (`bob++`).
    public var hasPlusPlus: Bool

    /// Analyses `text`, folding nicks with `casemapping`.
    public init(_ text: String, casemapping: Casemapping = .rfc1459) {
        var text = text
        self = text.withUTF8 { Self(utf8: $0, casemapping: casemapping) }
    }

    /// Analyses UTF-8 bytes: three arrays at most (tokens, content words, an address prefix of
    /// more than 15 bytes), each allocated once at its final capacity.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>, casemapping: Casemapping) {
        let n = bytes.count
        let fold = NickFold(casemapping)
        var prefix = ""
        // Tokens are separated by at least one blank, so there are at most (n + 1) / 2. (Reserved
        // and appended, not `init(unsafeUninitializedCapacity:)`: that one is not specialized
        // and looks up the array's storage type in the runtime, ≈ 800 instructions an array.)
        var tokens: [Token] = []
        tokens.reserveCapacity((n + 1) / 2)
        var i = 0
        while i < n {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            if i >= n { break }
            let start = i
            while i < n, bytes[i] != 0x20, bytes[i] != 0x09 { i += 1 }
            let (token, nickRange) = Self.makeToken(bytes, start, i, fold: fold)
            if tokens.isEmpty, token.addressMark || token.atMark, !nickRange.isEmpty {
                prefix = String(unsafeUninitializedCapacity: nickRange.count) { out in
                    for (k, b) in bytes[nickRange].enumerated() { out[k] = fold(b) }
                    return nickRange.count
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
        var words: [UInt64] = []
        words.reserveCapacity(tokens.count)
        for token in tokens where token.length >= 3 && token.word != 0 && !StopWords.contains(token.word) {
            words.append(token.word)
        }
        words.sort()
        var unique = 0
        for k in words.indices where unique == 0 || words[unique - 1] != words[k] {
            words[unique] = words[k]
            unique += 1
        }
        words.removeLast(words.count - unique)
        contentWords = words
        addressPrefix = prefix
        let marks = Marks(bytes)
        hasQuestionMark = marks.question
        // Trailing smileys and closing brackets do not hide a question mark.
        var last = n - 1
        while last >= 0, Self.isTrailingDecoration(bytes[last]) { last -= 1 }
        endsWithQuestionMark = last >= 0 && bytes[last] == UInt8(ascii: "?")
        hasNonASCII = marks.nonASCII
        hasPlusPlus = marks.plusPlus && n >= 3
        startsWithBang = bytes.first == UInt8(ascii: "!")
    }

    /// The number of words two sorted, unique lists (``contentWords``) share.
    static func commonCount(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Int {
        var i = 0, j = 0, common = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                common += 1; i += 1; j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return common
    }

    /// One bit per content word (the hash's top six bits): two texts whose signatures share no
    /// bit share no content word.
    static func signature(of words: [UInt64]) -> UInt64 {
        words.reduce(0) { $0 | bloomBit($1) }
    }

    /// The bit of a word or nick hash in a 64-bit summary of a set of them (its top six bits): a
    /// summary without the bit does not hold the hash.
    @inline(__always)
    static func bloomBit(_ hash: UInt64) -> UInt64 { 1 << (hash >> 58) }

    /// Whether the first token is `word` (already lower-case ASCII).
    public func firstWord(is word: String) -> Bool {
        tokens.first?.word == Self.hash(word)
    }

    /// Whether some token is `word` (already lower-case ASCII).
    public func contains(word: String) -> Bool {
        let h = Self.hash(word)
        return tokens.contains { $0.word == h }
    }

    @inline(__always)
    static func isTrailingDecoration(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, UInt8(ascii: ")"), UInt8(ascii: "("), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "D"),
            UInt8(ascii: "P"), UInt8(ascii: "."):
            return true
        default: return false
        }
    }

    /// Whether a text holds a `?`, a byte outside ASCII, and `++`: found eight bytes at a time.
    struct Marks {
        var question = false
        var nonASCII = false
        var plusPlus = false

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var questions: UInt64 = 0, high: UInt64 = 0, pluses: UInt64 = 0
            var plusBefore: UInt64 = 0  // 0x80 when the byte before the word is `+`
            var i = 0
            while i < bytes.count {
                let word = ByteSearch.word(bytes, at: i)
                high |= word
                questions |= ByteSearch.matches(of: UInt8(ascii: "?"), in: word)
                let plus = ByteSearch.matches(of: UInt8(ascii: "+"), in: word)
                pluses |= plus & (plus << 8 | plusBefore)
                plusBefore = plus >> 56
                i += 8
            }
            question = questions != 0
            nonASCII = high & 0x8080_8080_8080_8080 != 0
            plusPlus = pluses != 0
        }
    }

    // MARK: - Hashing

    /// FNV-1a of the lower-cased bytes of `text`: the word hash used in ``Token/word``.
    public static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { loweredHash($0, 0, $0.count) }
    }

    /// The nick hash used in ``Token/nick`` for a nick as the network shows it.
    public static func nickHash(_ nick: String, casemapping: Casemapping = .rfc1459) -> UInt64 {
        let fold = NickFold(casemapping)
        var nick = nick
        // Through the contiguous UTF-8 bytes: iterating `utf8` costs several times more.
        return nick.withUTF8 { foldedHash($0, 0, $0.count, fold) }
    }

    /// Folds the bytes of a nick as ``Casemapping/fold(_:)`` folds its ASCII characters, without
    /// branching on the casemapping for every byte: `A`–`Z` (and `[\]` unless `ascii`) move up by
    /// 32, and under `rfc1459` `~` becomes `^`.
    struct NickFold {
        /// How many bytes from `A` on move up by 32.
        let span: UInt8
        /// What `~` becomes.
        let tilde: UInt8

        init(_ casemapping: Casemapping) {
            switch casemapping {
            case .none: (span, tilde) = (0, 0x7E)
            case .ascii: (span, tilde) = (26, 0x7E)
            case .strictRFC1459: (span, tilde) = (29, 0x7E)
            case .rfc1459: (span, tilde) = (29, 0x5E)
            }
        }

        @inline(__always)
        func callAsFunction(_ b: UInt8) -> UInt8 {
            b &- 0x41 < span ? b &+ 32 : (b == 0x7E ? tilde : b)
        }
    }

    @inline(__always)
    static func isWordPunctuation(_ b: UInt8) -> Bool {
        // ASCII punctuation that never belongs to a word.
        (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
    }

    @inline(__always)
    static func isChatPunctuation(_ b: UInt8) -> Bool {
        // Punctuation around a nick in chat: `bob:`, `bob,`, `@bob`, `(bob)`, `bob!`, `bob's`.
        switch b {
        case UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"),
            UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default: return false
        }
    }

    /// FNV-1a of the bytes `start..<end`, ASCII lower-cased.
    @inline(__always)
    static func loweredHash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<end {
            let b = bytes[k]
            h = (h ^ UInt64(b &- 0x41 < 26 ? b &+ 32 : b)) &* 0x100_0000_01b3
        }
        return h
    }

    /// FNV-1a of the bytes `start..<end` folded as a nick.
    @inline(__always)
    static func foldedHash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fold: NickFold) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<end { h = (h ^ UInt64(fold(bytes[k]))) &* 0x100_0000_01b3 }
        return h
    }

    /// ``loweredHash(_:_:_:)`` and ``foldedHash(_:_:_:_:)`` of the same bytes, in one pass.
    @inline(__always)
    static func bothHashes(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fold: NickFold
    ) -> (lowered: UInt64, folded: UInt64) {
        var lowered: UInt64 = 0xcbf2_9ce4_8422_2325
        var folded = lowered
        for k in start..<end {
            let b = bytes[k]
            lowered = (lowered ^ UInt64(b &- 0x41 < 26 ? b &+ 32 : b)) &* 0x100_0000_01b3
            folded = (folded ^ UInt64(fold(b))) &* 0x100_0000_01b3
        }
        return (lowered, folded)
    }

    /// One token's hashes, and the range of its nick form (chat punctuation stripped).
    static func makeToken(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, fold: NickFold
    ) -> (Token, nickRange: Range<Int>) {
        let last = bytes[end - 1]
        let addressMark = last == UInt8(ascii: ":") || last == UInt8(ascii: ",")
        let atMark = bytes[start] == UInt8(ascii: "@")
        // Word: strip all punctuation at both ends, lower-case.
        var ws = start, we = end
        while ws < we, isWordPunctuation(bytes[ws]) { ws += 1 }
        while we > ws, isWordPunctuation(bytes[we - 1]) { we -= 1 }
        // Nick: strip chat punctuation only ("'s" too), fold with the casemapping.
        var ns = start, ne = end
        while ns < ne, isChatPunctuation(bytes[ns]) { ns += 1 }
        if ne - ns > 2, bytes[ne - 2] == UInt8(ascii: "'"), bytes[ne - 1] == UInt8(ascii: "s") { ne -= 2 }
        while ne > ns, isChatPunctuation(bytes[ne - 1]) { ne -= 1 }
        // Usually the word and the nick form are the whole token: then one pass hashes both, and
        // the nick's hash is the raw one.
        let word: UInt64, rawNick: UInt64
        if ws == start, we == end, ns == start, ne == end {
            (word, rawNick) = bothHashes(bytes, start, end, fold)
        } else {
            rawNick = foldedHash(bytes, start, end, fold)
            word = ws == we ? 0 : loweredHash(bytes, ws, we)
        }
        let nick = ns == ne ? 0 : ns == start && ne == end ? rawNick : foldedHash(bytes, ns, ne, fold)
        let token = Token(word: word, nick: nick, rawNick: rawNick, addressMark: addressMark, atMark: atMark, length: we - ws)
        return (token, ns..<ne)
    }
}
