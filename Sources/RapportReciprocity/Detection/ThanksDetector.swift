import Foundation

/// Tells whether a chat message thanks someone, and how.
///
/// A pure value, as Penny's `CoinFinder`: text in, verdict out. Who gets the credit is the
/// ``CreditResolver``'s business. Recognised: thanks in many languages and chat forms (`thx`,
/// `ty`, `tyvm`, `cheers`, `much appreciated`, 🙏, `nick++`). Refused although they look like
/// thanks: `no thanks`, `thanks in advance`/`TIA` and thanks after a question (a request, not
/// credit), `thanks for nothing`, `thank god`, and quoted thanks (`<bob> thanks`, `"thanks"`).
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
        case declined  // "no thanks"
        case inAdvance  // "thanks in advance", "TIA", "how do I …? thanks"
        case sarcastic  // "thanks for nothing"
        case exclamation  // "thank god"
        case quoted  // "<bob> thanks", "he said \"thanks\""
    }

    /// The verdict on one message.
    public enum Verdict: Sendable, Hashable {
        case none
        case thanks(Form, plusPlus: [String])
        case refused(Refusal)

        /// Whether the message thanks someone.
        public var isThanks: Bool { if case .thanks = self { true } else { false } }
    }

    /// The phrase tables; keep each entry lower case.
    public enum Configuration {
        /// Whole words that thank on their own.
        public static let words: [String] = [
            // English and chat forms
            "thanks", "thank", "thanx", "thnx", "thnks", "thx", "tnx", "ty", "tyvm", "tysm", "tyty", "thankyou",
            "thankyu", "thanks!", "cheers", "kudos", "merci", "danke", "dankeschön", "dankeschon", "dankesehr", "gracias",
            "obrigado", "obrigada", "brigado", "valeu", "grazie", "bedankt", "dankjewel", "dankuwel", "спасибо", "спс",
            "благодарю", "пасиб", "dzięki", "dzieki", "dziękuję", "dziekuje", "dziekuję", "kiitos", "kiitti", "kiitoksia",
            "tack", "tackar", "takk", "arigato", "arigatou", "xiexie", "appreciated",
        ]
        /// Phrases of several words.
        public static let phrases: [String] = [
            "thank you", "thank u", "much appreciated", "appreciate it", "appreciate that", "appreciate your help",
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
        /// Phrases that look like thanks and are not, with the reason.
        public static let refusals: [(String, Refusal)] = [
            ("no thanks", .declined), ("no thank you", .declined), ("no thx", .declined), ("nein danke", .declined),
            ("non merci", .declined), ("no gracias", .declined), ("nee dank", .declined), ("нет спасибо", .declined),
            ("thanks in advance", .inAdvance), ("thanks in adv", .inAdvance), ("thx in advance", .inAdvance),
            ("thank you in advance", .inAdvance), ("tia", .inAdvance), ("danke im voraus", .inAdvance),
            ("merci d'avance", .inAdvance), ("merci davance", .inAdvance), ("gracias de antemano", .inAdvance),
            ("advance thanks", .inAdvance), ("thanks for nothing", .sarcastic), ("thx for nothing", .sarcastic),
            ("thank god", .exclamation), ("thank goodness", .exclamation), ("thank heavens", .exclamation),
            ("thanks to you i", .sarcastic), ("thanks a lot for breaking", .sarcastic),
        ]
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
        if Self.isQuoted(text, hasNonASCII: analysis.hasNonASCII) { return .refused(.quoted) }

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
        // In a long message, only a thanks that opens it counts ("bob: thanks for the help! …").
        if isLong, form == .phrase, (thanksAt ?? .max) > Configuration.longMessageOpening { return .none }
        if isLong, form != .phrase { return .none }
        // "how do I …? thanks": the thanks follows a question — a request, not credit.
        if form == .phrase, let thanksAt, let question = normal.firstIndex(of: UInt8(ascii: "?")), question < thanksAt {
            return .refused(.inAdvance)
        }
        return .thanks(form, plusPlus: plusPlus)
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
    static func firstThanksIndex(in normal: [UInt8], pairs: ByteSearch.PairFilter) -> Int? {
        var best: Int?
        for phrase in thanksBytes where pairs.mayContain(phrase) {
            if let at = ByteSearch.firstIndex(of: phrase, in: normal), best.map({ at < $0 }) ?? true { best = at }
        }
        return best
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
