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
        /// The folded nick form as text, kept for the first few tokens only (prefix matching of
        /// shortened nicks); empty otherwise.
        public var nickText: String
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
    /// Whether the text ends with `?` (ignoring trailing spaces and smileys).
    public var endsWithQuestionMark: Bool
    /// Whether the text contains a `?` anywhere.
    public var hasQuestionMark: Bool
    /// Whether any byte is outside ASCII.
    public var hasNonASCII: Bool
    /// Whether the text starts with `!` (a bot command).
    public var startsWithBang: Bool

    /// Analyses `text`, folding nicks with `casemapping`.
    public init(_ text: String, casemapping: Casemapping = .rfc1459) {
        var tokens: [Token] = []
        var content: [UInt64] = []
        var hasQ = false
        var nonASCII = false
        var lastNonSpace: UInt8 = 0
        var lastSignificant: UInt8 = 0
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { utf8 = [] }
        let n = utf8.count
        var i = 0
        while i < n {
            while i < n, utf8[i] == 0x20 || utf8[i] == 0x09 { i += 1 }
            if i >= n { break }
            let start = i
            while i < n, utf8[i] != 0x20, utf8[i] != 0x09 { i += 1 }
            let token = Self.makeToken(utf8, start, i, casemapping: casemapping, keepText: tokens.count < 3)
            if token.length >= 3, token.word != 0, !StopWords.contains(token.word) {
                content.append(token.word)
            }
            tokens.append(token)
        }
        for b in utf8 {
            if b == UInt8(ascii: "?") { hasQ = true }
            if b >= 0x80 { nonASCII = true }
            if b != 0x20 {
                lastNonSpace = b
                // Trailing smileys and closing brackets do not hide a question mark.
                if b != UInt8(ascii: ")") && b != UInt8(ascii: "(") && b != UInt8(ascii: ":")
                    && b != UInt8(ascii: "/") && b != UInt8(ascii: "D") && b != UInt8(ascii: "P") && b != UInt8(ascii: ".")
                {
                    lastSignificant = b
                }
            }
        }
        _ = lastNonSpace
        content.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(content.count)
        for w in content where unique.last != w { unique.append(w) }
        self.tokens = tokens
        self.contentWords = unique
        self.hasQuestionMark = hasQ
        self.endsWithQuestionMark = lastSignificant == UInt8(ascii: "?")
        self.hasNonASCII = nonASCII
        self.startsWithBang = utf8.first == UInt8(ascii: "!")
    }

    /// The number of content words the two texts share.
    public func commonContentWords(with other: TextAnalysis) -> Int {
        var i = 0, j = 0, common = 0
        let a = contentWords, b = other.contentWords
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

    /// Whether the first token is `word` (already lower-case ASCII).
    public func firstWord(is word: String) -> Bool {
        tokens.first?.word == Self.hash(word)
    }

    /// Whether some token is `word` (already lower-case ASCII).
    public func contains(word: String) -> Bool {
        let h = Self.hash(word)
        return tokens.contains { $0.word == h }
    }

    // MARK: - Hashing

    /// FNV-1a of the lower-cased bytes of `text`: the word hash used in ``Token/word``.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for var b in text.utf8 {
            if b >= 0x41 && b <= 0x5A { b += 32 }
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return h
    }

    /// The nick hash used in ``Token/nick`` for a nick as the network shows it.
    public static func nickHash(_ nick: String, casemapping: Casemapping = .rfc1459) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in nick.utf8 { h = (h ^ UInt64(fold(b, casemapping))) &* 0x100_0000_01b3 }
        return h
    }

    @inline(__always)
    static func fold(_ b: UInt8, _ casemapping: Casemapping) -> UInt8 {
        if b >= 0x41 && b <= 0x5A { return casemapping == .none ? b : b + 32 }
        switch casemapping {
        case .rfc1459, .strictRFC1459:
            if b == 0x5B { return 0x7B }  // [ → {
            if b == 0x5D { return 0x7D }  // ] → }
            if b == 0x5C { return 0x7C }  // \ → |
            if b == 0x7E && casemapping == .rfc1459 { return 0x5E }  // ~ → ^
            return b
        default: return b
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

    static func makeToken(_ bytes: [UInt8], _ start: Int, _ end: Int, casemapping: Casemapping, keepText: Bool) -> Token {
        let last = bytes[end - 1]
        let addressMark = last == UInt8(ascii: ":") || last == UInt8(ascii: ",")
        let atMark = bytes[start] == UInt8(ascii: "@")
        // Word: strip all punctuation at both ends, lower-case.
        var ws = start, we = end
        while ws < we, isWordPunctuation(bytes[ws]) { ws += 1 }
        while we > ws, isWordPunctuation(bytes[we - 1]) { we -= 1 }
        var word: UInt64 = 0
        if ws < we {
            word = 0xcbf2_9ce4_8422_2325
            for k in ws..<we {
                var b = bytes[k]
                if b >= 0x41 && b <= 0x5A { b += 32 }
                word = (word ^ UInt64(b)) &* 0x100_0000_01b3
            }
        }
        // Nick: strip chat punctuation only ("'s" too), fold with the casemapping.
        var ns = start, ne = end
        while ns < ne, isChatPunctuation(bytes[ns]) { ns += 1 }
        if ne - ns > 2, bytes[ne - 2] == UInt8(ascii: "'"), bytes[ne - 1] == UInt8(ascii: "s") { ne -= 2 }
        while ne > ns, isChatPunctuation(bytes[ne - 1]) { ne -= 1 }
        var nick: UInt64 = 0xcbf2_9ce4_8422_2325
        var text = ""
        if ns < ne {
            for k in ns..<ne { nick = (nick ^ UInt64(fold(bytes[k], casemapping))) &* 0x100_0000_01b3 }
            if keepText {
                text = String(decoding: bytes[ns..<ne].map { fold($0, casemapping) }, as: UTF8.self)
            }
        } else {
            nick = 0
        }
        var rawNick: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<end { rawNick = (rawNick ^ UInt64(fold(bytes[k], casemapping))) &* 0x100_0000_01b3 }
        return Token(
            word: word, nick: nick, rawNick: rawNick, nickText: text, addressMark: addressMark, atMark: atMark,
            length: we - ws)
    }
}
