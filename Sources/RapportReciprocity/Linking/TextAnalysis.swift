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
    /// more than 15 bytes), each allocated once (the tokens' twice in a text of one-letter words).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>, casemapping: Casemapping) {
        // A copy padded with eight zero bytes, so that every eight bytes of a token are one load,
        // never a byte-by-byte tail.
        let n = bytes.count
        self = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n + 8) { padded in
            if let base = padded.baseAddress {
                if let source = bytes.baseAddress { base.initialize(from: source, count: n) }
                (base + n).initialize(repeating: 0, count: 8)
            }
            return Self(padded: UnsafeBufferPointer(padded), count: n, casemapping: casemapping)
        }
    }

    /// Analyses the first `n` bytes of `bytes`, which holds at least eight more (zeros).
    private init(padded bytes: UnsafeBufferPointer<UInt8>, count n: Int, casemapping: Casemapping) {
        let fold = NickFold(casemapping)
        var prefix = ""
        // Tokens are separated by at least one blank, so there are at most (n + 1) / 2, but
        // rarely more than n / 3 + 4 (a text of one-letter words grows its array once): room for
        // the most made allocations too large for malloc's fast path. (Reserved and appended,
        // not `init(unsafeUninitializedCapacity:)`: that one is not specialized and looks up the
        // array's storage type in the runtime, ≈ 800 instructions an array.)
        var tokens: [Token] = []
        tokens.reserveCapacity(min((n + 1) / 2, n / 3 + 4))
        var marks = Marks()
        var i = 0
        while i < n {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            if i >= n { break }
            let start = i
            // One pass over the token, eight bytes at a time: where it ends, its hashes lowered
            // and folded, and the marks.
            var lowered = ChunkHash(), folded = ChunkHash()
            marks.startToken()
            while true {
                let word = ByteSearch.word(bytes, at: i)
                let blanks = ByteSearch.matches(of: 0x20, in: word) | ByteSearch.matches(of: 0x09, in: word)
                let length = min(blanks == 0 ? 8 : blanks.trailingZeroBitCount / 8, n - i)
                if length == 0 { break }
                let chunk = word & ~(UInt64.max << (8 * UInt64(length)))  // `<< 64` is 0
                lowered.mix(Self.lowered(chunk))
                folded.mix(fold(chunk))
                marks.add(chunk)
                i += length
                if length < 8 { break }
            }
            let wordHash = lowered.finish(length: i - start), nickHash = folded.finish(length: i - start)
            let last = bytes[i - 1]
            // Most tokens are a bare word: no punctuation at either end, no "'s".
            if !Self.isWordPunctuation(bytes[start]), !Self.isWordPunctuation(last),
                last != UInt8(ascii: "s") || i - start <= 2 || bytes[i - 2] != UInt8(ascii: "'")
            {
                tokens.append(
                    Token(word: wordHash, nick: nickHash, rawNick: nickHash, addressMark: false, atMark: false, length: i - start))
                continue
            }
            let (token, nickRange) = Self.makeToken(bytes, start, i, lowered: wordHash, folded: nickHash, fold: fold)
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
        let stopWords = StopWords.hashes
        for token in tokens where token.length >= 3 && token.word != 0 && !stopWords.contains(token.word) {
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
        hasQuestionMark = marks.question
        // Trailing smileys and closing brackets do not hide a question mark.
        var last = n - 1
        while last >= 0, Self.isTrailingDecoration(bytes[last]) { last -= 1 }
        endsWithQuestionMark = last >= 0 && bytes[last] == UInt8(ascii: "?")
        hasNonASCII = marks.nonASCII
        hasPlusPlus = marks.plusPlus && n >= 3
        startsWithBang = n > 0 && bytes[0] == UInt8(ascii: "!")
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

    /// Whether a text holds a `?`, a byte outside ASCII, and `++`: gathered from its tokens'
    /// chunks of eight bytes (blanks hold none of them).
    struct Marks {
        private var questions: UInt64 = 0, high: UInt64 = 0, pluses: UInt64 = 0
        private var plusBefore: UInt64 = 0  // 0x80 when the byte before the chunk is `+`

        var question: Bool { questions != 0 }
        var nonASCII: Bool { high & 0x8080_8080_8080_8080 != 0 }
        var plusPlus: Bool { pluses != 0 }

        /// A new token begins (`+ +` is no `++`).
        @inline(__always)
        mutating func startToken() { plusBefore = 0 }

        /// The next eight bytes of the token (zeros past its end).
        @inline(__always)
        mutating func add(_ chunk: UInt64) {
            high |= chunk
            questions |= ByteSearch.matches(of: UInt8(ascii: "?"), in: chunk)
            let plus = ByteSearch.matches(of: UInt8(ascii: "+"), in: chunk)
            pluses |= plus & (plus << 8 | plusBefore)
            plusBefore = plus >> 56
        }
    }

    // MARK: - Hashing

    /// The lower-cased word hash of `text`, as in ``Token/word``.
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
    /// 32, and under `rfc1459` `~` becomes `^`; one byte at a time or eight.
    struct NickFold {
        /// How many bytes from `A` on move up by 32.
        let span: UInt8
        /// What `~` becomes.
        let tilde: UInt8

        /// Read from ``Casemapping/fold(byte:)``, which defines the mapping.
        init(_ casemapping: Casemapping) {
            span = casemapping.fold(byte: 0x5D) != 0x5D ? 29 : casemapping.fold(byte: 0x41) != 0x41 ? 26 : 0
            tilde = casemapping.fold(byte: 0x7E)
        }

        @inline(__always)
        func callAsFunction(_ b: UInt8) -> UInt8 {
            b &- 0x41 < span ? b &+ 32 : (b == 0x7E ? tilde : b)
        }

        /// The eight bytes of `word` folded (zero bytes stay zero).
        @inline(__always)
        func callAsFunction(_ word: UInt64) -> UInt64 {
            let tildes = ByteSearch.matches(of: 0x7E, in: word) >> 7 &* UInt64(0x7E ^ tilde)
            return TextAnalysis.raiseRange(word, from: 0x41, count: span) ^ tildes
        }
    }

    /// `word` with each byte in `from..<from + count` raised by 32 (the range lies within
    /// 0x40–0x5F, where bit 5 is clear); eight bytes at a time, no carries between them.
    @inline(__always)
    static func raiseRange(_ word: UInt64, from: UInt8, count: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        // Top bit set where a byte (below 0x80) is at least `from`, resp. at least `from + count`.
        let atLeastFrom = low &+ ones &* UInt64(0x80 - from)
        let pastEnd = low &+ ones &* UInt64(0x80 - from - count)
        let inRange = atLeastFrom & ~pastEnd & ~word & 0x8080_8080_8080_8080
        return word | inRange >> 2
    }

    /// The eight bytes of `word` with `A`–`Z` lower-cased.
    @inline(__always)
    static func lowered(_ word: UInt64) -> UInt64 { raiseRange(word, from: 0x41, count: 26) }

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

    /// A hash of a byte string taken eight bytes at a time (the last ones padded with zeros):
    /// a multiply and a shift per eight bytes, the length added at the end. Equal byte strings
    /// hash equal; strings of the same length up to eight bytes never collide (each step is a
    /// bijection), and the top bits (``bloomBit(_:)``) depend on every byte.
    struct ChunkHash {
        private var state: UInt64 = 0x243F_6A88_85A3_08D3

        @inline(__always)
        mutating func mix(_ chunk: UInt64) {
            let x = (state ^ chunk) &* 0x9E37_79B9_7F4A_7C15
            state = x ^ x >> 32
        }

        @inline(__always)
        func finish(length: Int) -> UInt64 { state ^ UInt64(truncatingIfNeeded: length) }
    }

    /// Hands `body` the bytes `start..<end` eight at a time, little-endian, the last chunk padded
    /// with zeros.
    @inline(__always)
    static func forEachChunk(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ body: (UInt64) -> Void) {
        var k = start
        while k < end {
            let word = ByteSearch.word(bytes, at: k)
            let left = end - k
            body(left >= 8 ? word : word & UInt64.max >> (64 - 8 * UInt64(left)))
            k += 8
        }
    }

    /// The hash of the bytes `start..<end`, ASCII lower-cased.
    @inline(__always)
    static func loweredHash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h = ChunkHash()
        forEachChunk(bytes, start, end) { h.mix(lowered($0)) }
        return h.finish(length: end - start)
    }

    /// The hash of the bytes `start..<end` folded as a nick.
    @inline(__always)
    static func foldedHash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fold: NickFold) -> UInt64 {
        var h = ChunkHash()
        forEachChunk(bytes, start, end) { h.mix(fold($0)) }
        return h.finish(length: end - start)
    }

    /// One token's hashes, and the range of its nick form (chat punctuation stripped), given the
    /// hashes of the whole token.
    static func makeToken(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, lowered: UInt64, folded: UInt64, fold: NickFold
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
        // Usually the word and the nick form are the whole token.
        let word = ws == we ? 0 : ws == start && we == end ? lowered : loweredHash(bytes, ws, we)
        let nick = ns == ne ? 0 : ns == start && ne == end ? folded : foldedHash(bytes, ns, ne, fold)
        let token = Token(word: word, nick: nick, rawNick: folded, addressMark: addressMark, atMark: atMark, length: we - ws)
        return (token, ns..<ne)
    }
}
