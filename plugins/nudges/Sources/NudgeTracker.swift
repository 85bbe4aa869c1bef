public import Foundation
public import RapportCore
public import RapportReciprocity

/// Watches conversations and says which nudges become owed and which are settled.
///
/// Pure and synchronous, so the live plugin and the corpus replay share it:
/// - B answers A's question → A owes B a thanks;
/// - C asks A something directly (`A: …?`, or an explicit reply to A) → A owes C a reply;
/// - A thanks B (in words, `B++`, a 🙏 reaction), or replies to B or names B → settled.
public struct NudgeTracker: Sendable {
    public struct Configuration: Sendable {
        public var excerptLength = 120
        /// Owe thanks only for answers that say something (``NudgeTracker/isSubstantive(_:)``).
        public var substantiveAnswersOnly = true
        public var engine = ReciprocityEngine.Configuration()
        public init() {}
    }

    /// A nudge that may become due.
    public struct Owed: Sendable, Hashable {
        public var kind: NudgeStore.Kind
        public var network: String
        public var channel: String
        /// Who would get the nudge, and the other person, as they wrote their nicks.
        public var recipient: String
        public var other: String
        /// Unique per (kind, recipient, other, question): the same nudge is never owed twice.
        public var key: String
        public var excerpt: String
        /// When it became owed; the plugin's settings say how long after that it falls due.
        public var created: Date
        /// The engine's sequence numbers of the message to answer or thank for, and its antecedent.
        public var sequence: Int
        public var relatedSequence: Int?
        /// The ID of the message that made it owed (the answer, the question), if it has one.
        public var source: MessageID?
    }

    public enum Change: Sendable, Hashable {
        case owe(Owed)
        /// `recipient` acknowledged `other` in `channel`: no nudge of `kind` needed.
        case settle(kind: NudgeStore.Kind, network: String, channel: String, recipient: String, other: String)
        /// `nick` spoke at `time`.
        case active(network: String, nick: String, time: Date)
        /// `helper` answered `asker`'s question (its key) with message `source`: for the digest's counts.
        case answered(network: String, channel: String, asker: String, helper: String, question: String, time: Date, source: MessageID?)
        /// `nick` asked something in the open (to no one in particular), starting a conversation.
        case asked(network: String, channel: String, nick: String, question: String, excerpt: String, time: Date)
    }

    public let configuration: Configuration
    private var engine: ReciprocityEngine
    private let questions = QuestionDetector()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        engine = ReciprocityEngine(configuration: configuration.engine)
    }

    private var fold: (String) -> String { configuration.engine.casemapping.fold }

    /// How many channels the tracker keeps state for.
    public var channelCount: Int { engine.channelCount }

    /// Drops everything remembered about a channel (the bot left it).
    public mutating func forget(channel: String, network: String) { engine.forget(channel: channel, network: network) }

    /// What `observation` changes; `outcome` receives the engine's own result for callers that
    /// also keep the ledger.
    public mutating func observe(_ observation: Observation) -> (changes: [Change], events: [HelpEvent]) {
        let outcome = engine.observe(observation)
        guard observation.kind == .message || observation.kind == .action || observation.isReaction else {
            return ([], outcome.events)
        }
        let time = Date(timeIntervalSince1970: observation.time)
        let me = fold(observation.nick)
        var changes: [Change] = []
        if !observation.isReaction { changes.append(.active(network: observation.network, nick: me, time: time)) }
        for event in outcome.events {
            switch event.kind {
            case .answered:
                let question = Self.questionKey(event.relatedMessageID, sequence: event.relatedSequence ?? event.sequence, time: observation.time)
                changes.append(
                    .answered(
                        network: observation.network, channel: observation.channel, asker: fold(event.from), helper: fold(event.to),
                        question: question, time: time, source: event.messageID))
                if configuration.substantiveAnswersOnly, !Self.isSubstantive(observation.text) { continue }
                changes.append(.owe(owed(.thank, recipient: event.from, other: event.to, question: question, observation, event.sequence, event.relatedSequence)))
            case .thanked:
                changes.append(.settle(kind: .thank, network: observation.network, channel: observation.channel, recipient: fold(event.from), other: fold(event.to)))
            }
        }
        guard let decision = outcome.decision, decision.isMessage, !observation.isBot else { return (changes, outcome.events) }
        // Naming someone or replying to them explicitly acknowledges them; so does a linked
        // "that worked". A linked follow-up is an answer to a direct question, but not a thanks.
        var named = Set(decision.mentionedNicks.map(fold))
        if decision.isExplicit, let nick = decision.antecedentNick { named.insert(fold(nick)) }
        let linked = decision.startsConversation ? nil : decision.antecedentNick.map(fold)
        if let linked, Self.isAcknowledgement(observation.text) { named.insert(linked) }
        for nick in named where nick != me {
            changes.append(.settle(kind: .thank, network: observation.network, channel: observation.channel, recipient: me, other: nick))
        }
        for nick in named.union(linked.map { [$0] } ?? []) where nick != me {
            changes.append(.settle(kind: .reply, network: observation.network, channel: observation.channel, recipient: me, other: nick))
        }
        guard questions.isQuestion(observation.text) else { return (changes, outcome.events) }
        let question = Self.questionKey(observation.id, sequence: decision.sequence, time: observation.time)
        if let addressee = addressee(of: observation, decision) {
            // A question put directly to someone.
            if fold(addressee) != me {
                changes.append(.owe(owed(.reply, recipient: addressee, other: observation.nick, question: question, observation, decision.sequence, nil)))
            }
        } else if decision.startsConversation {
            changes.append(
                .asked(
                    network: observation.network, channel: observation.channel, nick: me, question: question,
                    excerpt: Self.excerpt(observation.text, length: configuration.excerptLength), time: time))
        }
        return (changes, outcome.events)
    }

    /// A question's key: its message ID, or its sequence number and day when it has none.
    static func questionKey(_ id: MessageID?, sequence: Int, time: Double) -> String {
        id?.rawValue ?? "seq\(sequence)@\(Int(time) / 86400)"
    }

    /// The person a message is put to: an explicit reply's author, or a nick it starts with.
    private func addressee(of observation: Observation, _ decision: ReplyLinker.Decision) -> String? {
        if decision.isExplicit, let nick = decision.antecedentNick { return nick }
        guard let first = decision.mentionedNicks.first else { return nil }
        let text = observation.text.drop { $0 == "@" }
        guard text.count > first.count, fold(String(text.prefix(first.count))) == fold(first) else { return nil }
        let mark = text.dropFirst(first.count).first
        return mark == ":" || mark == "," ? first : nil
    }

    private func owed(
        _ kind: NudgeStore.Kind, recipient: String, other: String, question: String, _ o: Observation, _ sequence: Int, _ related: Int?
    ) -> Owed {
        return Owed(
            kind: kind, network: o.network, channel: o.channel, recipient: recipient, other: other,
            key: [kind.rawValue, o.network, o.channel.lowercased(), fold(recipient), fold(other), question].joined(separator: "|"),
            excerpt: Self.excerpt(o.text, length: configuration.excerptLength), created: Date(timeIntervalSince1970: o.time),
            sequence: sequence, relatedSequence: related, source: o.id)
    }

    /// Short replies that say an answer landed: "that worked", "ok got it", "fixed!" — not
    /// questions ("how do I see …?", "works for you?").
    static func isAcknowledgement(_ text: String) -> Bool {
        guard !text.contains("?") else { return false }
        let words = text.lowercased().split { !$0.isLetter && $0 != "'" }
        guard !words.isEmpty, words.count <= 8 else { return false }
        let phrases: [[Substring]] = [
            ["worked"], ["works"], ["working"], ["fixed"], ["solved"], ["got", "it"], ["ok"], ["okay"], ["perfect"],
            ["great"], ["awesome"], ["i", "see"], ["makes", "sense"], ["that", "did", "it"], ["did", "the", "trick"],
        ]
        return phrases.contains { phrase in
            words.indices.contains { start in
                start + phrase.count <= words.count && Array(words[start..<start + phrase.count]) == phrase
            }
        } && !words.contains("not") && !words.contains("doesn't") && !words.contains("didn't") && !words.contains("don't")
    }

    /// Whether an answer is worth a thanks: two words or more besides the addressee, asking
    /// nothing back ("in what? gnome?"), not a bot command (`!ask | nick`), not a shrug ("not sure").
    static func isSubstantive(_ text: String) -> Bool {
        let body = excerpt(text, length: .max).lowercased()
        guard !body.contains("?"), !body.hasPrefix("!") else { return false }
        let words = body.split { !$0.isLetter && !$0.isNumber && $0 != "'" }
        let shrugs = ["not sure", "no idea", "don't know", "dont know", "no clue", "sorry"]
        return words.count >= 2 && !shrugs.contains { body.contains($0) }
    }

    /// The first `length` characters of `text`, cut at a word, on one line.
    static func excerpt(_ text: String, length: Int) -> String {
        var flat = text.replacingOccurrences(of: "\n", with: " ")
        // "alice: do this" → "do this": the addressee is the reader.
        if let mark = flat.firstIndex(where: { $0 == ":" || $0 == "," }), flat[..<mark].allSatisfy({ !$0.isWhitespace }),
            flat.index(after: mark) < flat.endIndex, flat[flat.index(after: mark)] == " "
        {
            flat = String(flat[flat.index(mark, offsetBy: 2)...])
        }
        guard flat.count > length else { return flat }
        let cut = flat.prefix(length)
        let word = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return word + "…"
    }
}

extension Observation {
    var isReaction: Bool { if case .reaction = kind { true } else { false } }
}
