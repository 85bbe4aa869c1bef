import Foundation

/// Tells whether a chat message thanks someone, and how.
///
/// A pure value, as Penny's `CoinFinder`: text in, verdict out. Who gets the credit is the
/// ``CreditResolver``'s business. Recognised: thanks in many languages and chat forms (`thx`,
/// `ty`, `tyvm`, `cheers`, `much appreciated`, 🙏, `nick++`). Refused although they look like
/// thanks: `no thanks` and `thanks, but …` (declined), thanks in advance in every spelling (`TIA`,
/// `thx in adv`, `thanks ahead of time`, `any help would be appreciated`), `thanks for nothing`
/// and a sad `yeah thanks :(`, `thank god`, thanks to someone elsewhere (`thanks to the devs`),
/// small talk (`good thx, and you?`), a goodbye (`brb … cheers`) and quoted thanks (`"thanks"`, `> thanks`, `<a> … <b> thanks`).
///
/// What only the channel can tell is left to the engine, which knows who is present: whether a
/// `nick++` names a member, whether a leading `<nick>` addresses a member (some clients write
/// replies so) or quotes someone, and whether a thanks after a question closes help that was given
/// (``Thanks/afterQuestion``).
///
/// Add a test in `ThanksDetectorTests` for every phrase added to ``Configuration``.
public struct ThanksDetector: Sendable {
    /// How a message was recognised as thanks.
    public enum Form: String, Sendable, Hashable, Codable {
        /// A thanks word or phrase (`thanks`, `merci`, `谢谢`, …).
        case phrase
        /// `nick++`.
        case plusPlus
        /// A thanks emoji (🙏).
        case emoji
    }

    /// Why a message that looks like thanks is not.
    public enum Refusal: String, Sendable, Hashable {
        case declined  // "no thanks", "thanks, but I've been there"
        case inAdvance  // "thanks in advance", "TIA", "any help would be appreciated"
        case sarcastic  // "thanks for nothing", "yeah thanks :("
        case exclamation  // "thank god", "thank the gods"
        case absent  // "thanks to the developers"
        case smallTalk  // "good thx, and you?"
        case farewell  // "ill brb on gnome ;) cheers!!"
        case quoted  // "> thanks", "he said \"thanks\""
    }

    /// A message that thanks, as far as its text tells.
    public struct Thanks: Sendable, Hashable {
        public var form: Form
        /// The nicks of `nick++` tokens; only those of channel members are credited.
        public var plusPlus: [String]
        /// The nick of a leading `<nick>`: a member addressed in that style, or else someone quoted.
        public var angleNick: String?
        /// Whether a question comes before the thanks (`that's it? sweet thanks`, `how do I …?
        /// thanks`): credit only when the thanks closes help the thanker was given.
        public var afterQuestion: Bool

        public init(form: Form, plusPlus: [String] = [], angleNick: String? = nil, afterQuestion: Bool = false) {
            self.form = form
            self.plusPlus = plusPlus
            self.angleNick = angleNick
            self.afterQuestion = afterQuestion
        }
    }

    /// The verdict on one message.
    public enum Verdict: Sendable, Hashable {
        case none
        case thanks(Thanks)
        case refused(Refusal)

        /// Whether the message thanks someone.
        public var isThanks: Bool { if case .thanks = self { true } else { false } }
    }

    /// The phrase tables; keep each entry lower case.
    public enum Configuration {
        /// Whole words that thank on their own.
        public static let words: [String] = [
            // English and chat forms
            "thanks", "thanx", "thnx", "thnks", "thx", "tnx", "ty", "tyvm", "tysm", "tyty", "thankyou",
            "thankyu", "thanks!", "cheers", "kudos", "merci", "danke", "dankeschön", "dankeschon", "dankesehr", "gracias",
            "obrigado", "obrigada", "brigado", "valeu", "grazie", "bedankt", "dankjewel", "dankuwel", "спасибо", "спс",
            "благодарю", "пасиб", "dzięki", "dzieki", "dziękuję", "dziekuje", "dziekuję", "kiitos", "kiitti", "kiitoksia",
            "tack", "tackar", "takk", "arigato", "arigatou", "xiexie", "appreciated",
        ]
        /// Phrases of several words.
        public static let phrases: [String] = [
            "thank you", "thank u", "thank ya", "thank yu", "thank ye", "thank yall", "thank y'all", "much appreciated", "appreciate it", "appreciate that", "appreciate your help",
            "i appreciate", "many thanks", "you rock", "you're a star", "youre a star", "life saver", "lifesaver",
            "you're the best", "youre the best", "vielen dank", "danke schön", "merci beaucoup", "muchas gracias",
            "muito obrigado", "grazie mille", "dank je", "dank u", "tack så mycket", "большое спасибо",
        ]
        /// Thanks without spaces between words (Japanese, Chinese).
        public static let unspaced: [String] = [
            "ありがとう", "ありがと", "有難う", "どうも", "サンキュー", "谢谢", "謝謝", "多谢", "多謝", "感谢", "感謝", "thx",
        ]
        /// Emoji that thank.
        public static let emoji: [String] = ["🙏"]
        /// Phrases that look like thanks and are not, with the reason; a message holding one (and
        /// a thanks word) thanks no one. Matched on whole words, after punctuation but `'` and `?`
        /// became blanks (`thanks, but` is `thanks but`).
        public static let refusals: [(String, Refusal)] = [
            ("no thanks", .declined), ("no thank you", .declined), ("no thx", .declined), ("nein danke", .declined),
            ("non merci", .declined), ("no gracias", .declined), ("nee dank", .declined), ("нет спасибо", .declined),
            ("i've seen that", .declined), ("ive seen that", .declined), ("i have seen that", .declined),
            ("i've been there", .declined), ("told me already", .declined), ("knew that already", .declined),
            ("know that already", .declined), ("already knew", .declined),
            // Every spelling of thanks before any help.
            ("in advance", .inAdvance), ("in adv", .inAdvance), ("in advanced", .inAdvance), ("tia", .inAdvance),
            ("ahead of time", .inAdvance), ("beforehand", .inAdvance), ("for any help", .inAdvance), ("any help", .inAdvance),
            ("for any advice", .inAdvance), ("for any ideas", .inAdvance), ("for any suggestions", .inAdvance),
            ("for any pointers", .inAdvance), ("would appreciate", .inAdvance), ("i'd appreciate", .inAdvance),
            ("would be appreciated", .inAdvance), ("would be grateful", .inAdvance), ("be very grateful", .inAdvance),
            ("will wait for", .inAdvance), ("wait for your", .inAdvance), ("danke im voraus", .inAdvance),
            ("merci d'avance", .inAdvance), ("merci davance", .inAdvance), ("gracias de antemano", .inAdvance),
            ("advance thanks", .inAdvance),
            ("thanks for nothing", .sarcastic), ("thx for nothing", .sarcastic), ("thanks a lot for nothing", .sarcastic),
            ("thanks to you i", .sarcastic), ("thanks a lot for breaking", .sarcastic),
            ("thank god", .exclamation), ("thanks god", .exclamation), ("thank goodness", .exclamation),
            ("thank heavens", .exclamation), ("thank heaven", .exclamation), ("thank christ", .exclamation),
            ("thank the", .exclamation),
            ("thanks to the", .absent), ("thx to the", .absent), ("thanks to all the", .absent), ("thanks to whoever", .absent),
            ("thanks and you", .smallTalk), ("thx and you", .smallTalk), ("thanks and u", .smallTalk),
            ("thx and u", .smallTalk), ("ty and you", .smallTalk), ("fine thanks", .smallTalk), ("fine thx", .smallTalk),
        ]
        /// A thanks straight followed by "but" turns the help down ("thanks, but I've been there"),
        /// unless a question follows ("thanks, but how do I …?": the engine tells); "thanks for
        /// your help, but it still fails" thanks.
        public static let turnDowns: [String] = [
            "thanks but", "thx but", "ty but", "thank you but", "thanks a lot but", "thanks anyway but", "appreciate it but",
            "appreciate the thought but",
        ]
        /// Words of a request: a thanks closing a message with one is politeness for the request.
        public static let requests: [String] = ["please", "pls", "plz", "plse"]
        /// Words of leave-taking: with one, a `cheers` says goodbye ("ill brb ;) cheers!!").
        public static let farewells: [String] = ["brb", "bbl", "bye", "cya", "gtg", "g2g", "afk", "later", "night"]
        /// Emoticons of a sad face: a short thanks with one is sarcasm ("yeah thanks :(").
        public static let sadFaces: [String] = [":(", ":-(", ":'(", "-_-", "🙄"]
        /// A thanks after a question with at most this many words after it ends the message.
        public static let closingWords = 2
        /// A thanks of at most this many words with a sad face is sarcasm.
        public static let sarcasmMaximumWords = 4
        /// In messages longer than this many words, a thanks counts only in the opening bytes.
        public static let maximumWords = 30
        /// How far into a long message (in bytes of its normalised text) a thanks may start.
        public static let longMessageOpening = 40
    }

    public init() {}

    /// The verdict on `text`.
    public func detect(_ text: String) -> Verdict { detect(text, analysis: TextAnalysis(text)) }

    /// The verdict on `text`, whose analysis the caller already has.
    public func detect(_ text: String, analysis: TextAnalysis) -> Verdict {
        // Fast path: most messages hold none of the markers.
        var candidate = analysis.hasNonASCII
        let hasPlusPlus = analysis.hasPlusPlus
        if !candidate {
            let wordHashes = Self.wordHashes
            for token in analysis.tokens where wordHashes.contains(token.word) {
                candidate = true
                break
            }
        }
        guard candidate || hasPlusPlus else { return .none }
        let isLong = analysis.tokens.count > Configuration.maximumWords

        let normal = Self.normalize(text, isASCII: !analysis.hasNonASCII)
        // Only phrases whose pairs of bytes all occur in the text are searched for.
        let pairs = ByteSearch.PairFilter(normal)
        for (phrase, refusal) in Self.paddedRefusals where pairs.mayContain(phrase) && ByteSearch.contains(phrase, in: normal) {
            return .refused(refusal)
        }
        let question = normal.firstIndex(of: UInt8(ascii: "?"))
        if let at = Self.turnDownBytes.lazy.compactMap({ ByteSearch.firstIndex(of: $0, in: normal) }).first, question.map({ $0 < at }) ?? true {
            return .refused(.declined)
        }
        let angleNick = Self.leadingAngleNick(text)
        if angleNick == nil, Self.isQuoted(text, hasNonASCII: analysis.hasNonASCII) { return .refused(.quoted) }

        let plusPlus = hasPlusPlus ? Self.plusPlusNicks(text) : []
        var form: Form?
        let thanksAt = Self.firstThanksIndex(in: normal, pairs: pairs)
        if thanksAt != nil {
            form = .phrase
        } else if analysis.hasNonASCII, Self.emojiBytes.contains(where: { ByteSearch.contains($0, in: normal) }) {
            form = .emoji
        } else if !plusPlus.isEmpty {
            form = .plusPlus
        }
        guard let form else { return .none }
        let last = form == .phrase ? Self.lastThanks(in: normal, pairs: pairs) : (start: nil, end: 0)
        // In a long message, only a thanks that opens or closes it counts ("bob: thanks for the
        // help! …", "… I'll take note of that. Thanks").
        if isLong, form != .phrase { return .none }
        if isLong, let thanksAt, thanksAt > Configuration.longMessageOpening,
            last.end < normal.count - Configuration.longMessageOpening
        {
            return .none
        }
        if thanksAt == last.start, let thanksAt, normal[thanksAt...].starts(with: Self.cheersBytes),
            Self.farewellBytes.contains(where: { ByteSearch.contains($0, in: normal) })
        {
            return .refused(.farewell)
        }
        if analysis.tokens.count <= Configuration.sarcasmMaximumWords, Configuration.sadFaces.contains(where: { text.contains($0) }) {
            return .refused(.sarcastic)
        }
        // A question, then a thanks that ends the message: politeness for the question ("how do I
        // …? thanks", "… what is the command? thx very much"). With more after it, the thanks may
        // close help given ("will it download it again? thanks for your help, this was very
        // helpful"): the engine tells.
        let afterQuestion = form == .phrase && question.map { $0 < thanksAt ?? 0 } ?? false
        // So does one closing a request ("please pastebin it, thanks") or a direction to another
        // channel ("… you can chat in #ubuntu-offtopic. Thanks!").
        let isRequest = afterQuestion || Self.requestBytes.contains { ByteSearch.contains($0, in: normal) } || Self.namesChannel(text)
        if form == .phrase, isRequest, thanksAt ?? 0 > 0,
            Self.wordCount(normal[last.end...]) <= Configuration.closingWords
        {
            return .refused(.inAdvance)
        }
        return .thanks(Thanks(form: form, plusPlus: plusPlus, angleNick: angleNick, afterQuestion: afterQuestion))
    }

    // MARK: - Helpers

    /// Words of which a thanks holds at least one (the fast path's filter).
    static let wordHashes = HashSet64(words:
        Configuration.words + ["thank", "appreciated", "appreciate", "rock", "star", "saver", "lifesaver", "best", "dank",
            "danke", "merci", "gracias", "obrigado", "grazie", "tack", "tia", "thx", "god", "goodness", "heavens"])
    static let paddedWords = Configuration.words.map { Array(" \($0) ".utf8) }
    static let paddedPhrases = Configuration.phrases.map { Array(" \($0) ".utf8) }
    static let unspacedBytes = Configuration.unspaced.map { Array($0.utf8) }
    static let thanksBytes = paddedWords + paddedPhrases + unspacedBytes
    static let emojiBytes = Configuration.emoji.map { Array($0.utf8) }
    static let turnDownBytes = Configuration.turnDowns.map { Array(" \($0) ".utf8) }
    static let requestBytes = Configuration.requests.map { Array(" \($0) ".utf8) }
    static let farewellBytes = Configuration.farewells.map { Array(" \($0) ".utf8) }
    static let cheersBytes = Array(" cheers ".utf8)
    static let paddedRefusals = Configuration.refusals.map { (Array(" \($0.0) ".utf8), $0.1) }

    /// Lower case, ASCII punctuation other than `'` and `?` turned into spaces, padded with spaces.
    ///
    /// ASCII text (`isASCII`) is lowered byte by byte, which is what `lowercased()` does to it,
    /// without building another string.
    static func normalize(_ text: String, isASCII: Bool) -> [UInt8] {
        var lowered = isASCII ? text : text.lowercased()
        return lowered.withUTF8 { bytes in
            var out: [UInt8] = [0x20]
            out.reserveCapacity(bytes.count + 2)
            for byte in bytes {
                let b = byte &- 0x41 < 26 ? byte &+ 32 : byte
                if b == UInt8(ascii: "?") {
                    out.append(contentsOf: [0x20, b, 0x20])
                } else if b < 0x80, b != UInt8(ascii: "'"), b <= 0x20 || TextAnalysis.isWordPunctuation(b) {
                    if out.last != 0x20 { out.append(0x20) }
                } else {
                    out.append(b)
                }
            }
            out.append(0x20)
            return out
        }
    }

    /// Where the first thanks word or phrase starts in a normalised text.
    ///
    /// The verb `thank` thanks only with a `you` (`thank you`, `thank ya`, phrases of their own) or
    /// ending the message (`topyli: thank`): `thank crimsun, not me`, `you can thank ubuntu for
    /// that` and `don't thank me, thank google` send the thanks elsewhere.
    static func firstThanksIndex(in normal: [UInt8], pairs: ByteSearch.PairFilter) -> Int? {
        var best: Int?
        for phrase in thanksBytes where pairs.mayContain(phrase) {
            if let at = ByteSearch.firstIndex(of: phrase, in: normal), best.map({ at < $0 }) ?? true { best = at }
        }
        if best == nil, normal.count >= closingThank.count, normal.suffix(closingThank.count).elementsEqual(closingThank) {
            best = normal.count - closingThank.count
        }
        return best
    }

    static let closingThank = Array(" thank ".utf8)

    /// Whether the text names a channel (`#ubuntu-offtopic`, `##c++`): a `#` after a blank or at
    /// the start, and a letter after the `#`s.
    static func namesChannel(_ text: String) -> Bool {
        var previous: UInt8 = 0x20, hashes = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "#"), hashes > 0 || previous == 0x20 {
                hashes += 1
            } else {
                if hashes > 0, (byte | 0x20) >= UInt8(ascii: "a"), (byte | 0x20) <= UInt8(ascii: "z") { return true }
                hashes = 0
            }
            previous = byte
        }
        return false
    }

    /// The number of words in normalised bytes.
    static func wordCount(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0, previous: UInt8 = 0x20
        for byte in bytes {
            if byte != 0x20, previous == 0x20 { count += 1 }
            previous = byte
        }
        return count
    }

    /// The start of the last thanks word or phrase to start, and the end of the last to end.
    static func lastThanks(in normal: [UInt8], pairs: ByteSearch.PairFilter) -> (start: Int?, end: Int) {
        var start: Int?, end = 0
        for phrase in thanksBytes where pairs.mayContain(phrase) {
            var from = 0
            while from < normal.count, let at = normal[from...].withUnsafeBufferPointer({ ByteSearch.firstIndex(of: phrase, in: $0) }) {
                start = max(start ?? 0, from + at)
                end = max(end, from + at + phrase.count)
                from += at + 1
            }
        }
        return (start, end)
    }

    /// The nick of a `<nick>` that opens the text and is its only such mark (`<bob> thanks, that
    /// worked`): an address in the style of some clients, or a quote of one line; not a quote of
    /// several (`<bob> hi <carol> thanks`) or one in double quotes.
    static func leadingAngleNick(_ text: String) -> String? {
        let trimmed = text.drop { $0 == " " }
        guard trimmed.first == "<", let close = trimmed.firstIndex(of: ">") else { return nil }
        let nick = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        let rest = trimmed[trimmed.index(after: close)...]
        guard !nick.isEmpty, !nick.contains(" "), !rest.contains("<"), rest.filter({ $0 == "\"" }).count < 2 else { return nil }
        return String(nick)
    }

    /// `<bob> thanks`, `bob said "thanks"`, `> thanks`: someone else's thanks, quoted.
    ///
    /// ASCII text is read byte by byte (there every byte is a character, but for CR LF, which is
    /// none of those looked for); other text character by character (≈ 50,000 instructions a
    /// message).
    static func isQuoted(_ text: String, hasNonASCII: Bool) -> Bool {
        if hasNonASCII { return isQuoted(text, space: " ", open: "<", close: ">") { $0 == "\"" || $0 == "“" || $0 == "”" } }
        return isQuoted(text.utf8, space: 0x20, open: UInt8(ascii: "<"), close: UInt8(ascii: ">")) { $0 == UInt8(ascii: "\"") }
    }

    static func isQuoted<Text: Collection>(
        _ text: Text, space: Text.Element, open: Text.Element, close: Text.Element, isQuote: (Text.Element) -> Bool
    ) -> Bool where Text.Element: Equatable {
        let trimmed = text.drop { $0 == space }
        if trimmed.first == close { return true }
        if let start = trimmed.firstIndex(of: open), let end = trimmed[start...].firstIndex(of: close),
            trimmed.distance(from: start, to: end) > 1, !trimmed[trimmed.index(after: start)..<end].contains(space)
        {
            return true
        }
        var quotes = 0
        for element in text where isQuote(element) { quotes += 1 }
        return quotes >= 2
    }

    /// The nicks in `bob++` tokens (not `c++`, `g++`, `i++`).
    static func plusPlusNicks(_ text: String) -> [String] {
        var nicks: [String] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," }) where token.hasSuffix("++") {
            let nick = token.dropLast(2).drop { $0 == "@" }
            guard nick.count >= 2, !nick.hasSuffix("+"), nick.first?.isLetter == true || nick.first == "_" || nick.first == "[" else { continue }
            let lower = nick.lowercased()
            if ["c", "g", "i", "j", "notepad", "libstdc", "x", "n", "k"].contains(lower) { continue }
            nicks.append(String(nick))
        }
        return nicks
    }
}
