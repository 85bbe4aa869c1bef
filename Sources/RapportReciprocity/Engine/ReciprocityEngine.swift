import Foundation
public import RapportCore

/// Turns the events of many channels into ``HelpEvent``s: answers to questions, and thanks with
/// the person they credit.
///
/// One ``ReplyLinker`` per channel links each message to what it responds to; a
/// ``QuestionDetector`` and a ``ThanksDetector`` read the text; a ``CreditResolver`` names who
/// gets the credit. Per-pair daily caps keep two friends from farming credit off each other.
///
/// ```swift
/// var engine = ReciprocityEngine()
/// for event in events { ledger.record(engine.process(event)) }
/// ```
public struct ReciprocityEngine: Sendable {
    /// Tunables, with defaults that suit a busy help channel.
    public struct Configuration: Sendable {
        public var casemapping: Casemapping
        /// How many earlier messages the linker considers.
        public var windowSize: Int
        /// At most this many events of one kind from one person to another per day, in one
        /// channel (`Int.max`: no cap, as when the ledger enforces one).
        public var dailyCapPerPair: Int
        /// Reactions that credit the author of the message reacted to.
        public var creditReactions: Set<String>
        /// Nicks (folded) known to be bots, besides those the network marks.
        public var botNicks: Set<String>
        /// How long after an answer its author still counts as the thanker's recent helper.
        public var recentHelperSeconds: Double

        public init(
            casemapping: Casemapping = .rfc1459, windowSize: Int = ReplyLinker.defaultWindowSize, dailyCapPerPair: Int = 3,
            creditReactions: Set<String> = ["🙏", "👍", "❤️", "❤", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "🙏🏻", "🙏🏼", "🙏🏽", "🙏🏾", "🙏🏿"],
            botNicks: Set<String> = [], recentHelperSeconds: Double = 1800
        ) {
            self.casemapping = casemapping
            self.windowSize = windowSize
            self.dailyCapPerPair = dailyCapPerPair
            self.creditReactions = creditReactions
            self.botNicks = Set(botNicks.map { casemapping.fold($0) })
            self.recentHelperSeconds = recentHelperSeconds
        }
    }

    /// What the engine made of one observation (for replay output and tests).
    public struct Outcome: Sendable {
        public var decision: ReplyLinker.Decision?
        public var events: [HelpEvent]
    }

    public let configuration: Configuration
    let botHashes: HashSet64
    var channels: [ChannelKey: ChannelState] = [:]
    var current: (key: ChannelKey, state: ChannelState)?
    let questions = QuestionDetector()
    let thanks = ThanksDetector()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.botHashes = HashSet64(configuration.botNicks.map { TextAnalysis.nickHash($0, casemapping: configuration.casemapping) })
    }

    /// Processes one live event; returns the help events it produced.
    public mutating func process(_ event: ChatEvent) -> [HelpEvent] {
        guard let observation = Observation(event) else { return [] }
        return observe(observation).events
    }

    /// Processes one observation.
    public mutating func observe(_ observation: Observation) -> Outcome {
        observe(observation, dump: nil)
    }

    mutating func observe(
        _ o: Observation, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?
    ) -> Outcome {
        let key = ChannelKey(network: o.network, channel: o.channel)
        var state = takeState(of: key)
        let outcome = observe(o, in: &state, dump: dump)
        // Moved back, not copied (a `defer` would copy it: a dozen reference counts per event).
        current = (key, consume state)
        return outcome
    }

    /// Processes one observation of the channel whose state is `state`.
    mutating func observe(
        _ o: Observation, in state: inout ChannelState, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?
    ) -> Outcome {
        let sender = TextAnalysis.nickHash(o.nick, casemapping: configuration.casemapping)
        let isBot = o.isBot || botHashes.contains(sender)

        let linkKind: ReplyLinker.Input.Kind
        switch o.kind {
        case .message: linkKind = .message
        case .action: linkKind = .action
        case .join: linkKind = .join
        case .leave: linkKind = .leave
        case .nickChange(let newNick): linkKind = .nickChange(newNick: newNick)
        case .reaction(let target, let key):
            _ = state.linker.link(ReplyLinker.Input(kind: .other, nick: o.nick, time: o.time))
            return Outcome(decision: nil, events: reaction(o, target: target, key: key, sender: sender, isBot: isBot, state: &state))
        case .other: linkKind = .other
        }
        guard linkKind == .message || linkKind == .action else {
            var input = ReplyLinker.Input(kind: linkKind, nick: o.nick, time: o.time)
            input.nickHash = sender
            return Outcome(decision: state.linker.link(input), events: [])
        }

        let analysis = TextAnalysis(o.text, casemapping: configuration.casemapping)
        let isQuestion = questions.isQuestion(analysis)
        let verdict = isBot ? ThanksDetector.Verdict.none : thanks.detect(o.text, analysis: analysis)
        let explicit = o.replyTo.flatMap { state.messages[$0] }
        var input = ReplyLinker.Input(
            kind: linkKind, nick: o.nick, time: o.time, analysis: analysis, isQuestion: isQuestion,
            isThanks: verdict.isThanks, isBot: isBot, explicitReplyTo: explicit)
        input.nickHash = sender
        let decision = state.linker.link(input, dump: dump)
        let sequence = decision.sequence
        state.remember(
            sequence: sequence, nick: o.nick, user: sender, id: o.id, isQuestion: isQuestion, isBot: isBot, windowSize: configuration.windowSize)

        var events: [HelpEvent] = []
        let date = Date(timeIntervalSince1970: o.time)
        let casemapping = configuration.casemapping
        // An answer: linked to someone else's question.
        if !decision.startsConversation, !isBot, let antecedent = state.message(decision.antecedent),
            antecedent.user != sender, !antecedent.isBot
        {
            state.recentHelper[antecedent.user] = (o.nick, o.time)
            // A question that neither replies to the asker nor names them asks something of its
            // own ("anyone here using kde?" after another question), even when linked there.
            let asksInstead = isQuestion && !decision.isExplicit
                && !decision.mentionedNicks.contains { configuration.casemapping.equal($0, antecedent.nick) }
            if antecedent.isQuestion, !verdict.isThanks, !asksInstead,
                state.markAnswered(question: decision.antecedent, helper: sender)
            {
                let event = HelpEvent(
                    kind: .answered, from: antecedent.nick, to: o.nick, detection: decision.isExplicit ? .explicitReply : .linked,
                    network: o.network, channel: o.channel, time: date, messageID: o.id, relatedMessageID: antecedent.id,
                    sequence: sequence, relatedSequence: decision.antecedent)
                if state.caps.allow(.answered, from: antecedent.user, to: sender, at: o.time, cap: configuration.dailyCapPerPair) {
                    events.append(event)
                }
            }
        }
        // A thanks.
        if case .thanks(let form, let plusPlus) = verdict {
            let linkedAuthor = decision.startsConversation ? nil : state.message(decision.antecedent)?.nick
            let helper = state.recentHelper[sender].flatMap { o.time - $0.time <= configuration.recentHelperSeconds ? $0.nick : nil }
            let facts = CreditResolver.Facts(
                thanker: o.nick, named: plusPlus + decision.mentionedNicks,
                explicitReplyAuthor: decision.isExplicit ? linkedAuthor : nil,
                linkedAuthor: decision.isExplicit ? nil : linkedAuthor, recentHelper: helper)
            let resolver = CreditResolver(casemapping: configuration.casemapping) { [botNicks = configuration.botNicks, recent = state.botNicks] nick in
                let folded = casemapping.fold(nick)
                return botNicks.contains(folded) || recent.contains(folded)
            }
            if let credit = resolver.resolve(facts) {
                let detection: HelpEvent.Detection =
                    switch credit.source {
                    case .named: form == .plusPlus ? .plusPlus : .named
                    case .explicitReply, .linked: .reply
                    case .recentHelper: .recentHelper
                    case .reaction: .reaction
                    case .command: .command
                    }
                for nick in credit.nicks {
                    let related = credit.source == .linked || credit.source == .explicitReply ? decision.antecedent : nil
                    let event = HelpEvent(
                        kind: .thanked, from: o.nick, to: nick, detection: detection, network: o.network, channel: o.channel,
                        time: date, messageID: o.id, relatedMessageID: related.flatMap { state.message($0)?.id }, sequence: sequence,
                        relatedSequence: related)
                    let credited = TextAnalysis.nickHash(nick, casemapping: configuration.casemapping)
                    if state.caps.allow(.thanked, from: sender, to: credited, at: o.time, cap: configuration.dailyCapPerPair) {
                        events.append(event)
                    }
                }
            }
        }
        return Outcome(decision: decision, events: events)
    }

    func reaction(_ o: Observation, target: MessageID, key: String, sender: UInt64, isBot: Bool, state: inout ChannelState) -> [HelpEvent] {
        guard configuration.creditReactions.contains(key), !isBot, let sequence = state.messages[target],
            let message = state.message(sequence), !message.isBot,
            !configuration.casemapping.equal(message.nick, o.nick)
        else { return [] }
        let event = HelpEvent(
            kind: .thanked, from: o.nick, to: message.nick, detection: .reaction, network: o.network, channel: o.channel,
            time: Date(timeIntervalSince1970: o.time), messageID: o.id, relatedMessageID: target, sequence: sequence,
            relatedSequence: sequence)
        return state.caps.allow(.thanked, from: sender, to: message.user, at: o.time, cap: configuration.dailyCapPerPair) ? [event] : []
    }
}

extension ReciprocityEngine {
    /// Moves the state of a channel out of the engine (new if it has none).
    ///
    /// The channel of the previous observation is kept out of the dictionary: consecutive events
    /// of one channel (a replay, a busy channel) then cost no hashing, and moving the state (never
    /// copying it) costs no reference counting.
    mutating func takeState(of key: ChannelKey) -> ChannelState {
        if current?.key == key, let (_, state) = current.take() { return state }
        if let (oldKey, oldState) = current.take() { channels[oldKey] = oldState }
        return channels.removeValue(forKey: key) ?? ChannelState(configuration: configuration)
    }

    /// Drops everything remembered about a channel (the bot left it; a replayed file ended).
    public mutating func forget(channel: String, network: String) {
        let key = ChannelKey(network: network, channel: channel)
        if current?.key == key { current = nil }
        channels.removeValue(forKey: key)
    }
}
