import Foundation
import RapportCore

/// What the engine does with one observation, given the state of its channel: links it, reads
/// its text, and names the help it shows (answers, thanks).
///
/// It holds only what never changes (the configuration, the detectors); the channel states stay
/// in the ``ReciprocityEngine``, which can so change the current channel's state in place (a
/// move out of the engine and back cost ≈ 700 instructions an event).
struct ChannelProcessor: Sendable {
    let configuration: ReciprocityEngine.Configuration
    let botHashes: HashSet64
    let questions = QuestionDetector()
    let thanks = ThanksDetector()

    init(configuration: ReciprocityEngine.Configuration) {
        self.configuration = configuration
        botHashes = HashSet64(configuration.botNicks.map { TextAnalysis.nickHash($0, casemapping: configuration.casemapping) })
    }

    /// Processes one observation of the channel whose state is `state`.
    func observe(
        _ o: Observation, in state: inout ChannelState, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?
    ) -> ReciprocityEngine.Outcome {
        let casemapping = configuration.casemapping
        let sender = TextAnalysis.nickHash(o.nick, casemapping: casemapping)
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
            return ReciprocityEngine.Outcome(decision: nil, events: reaction(o, target: target, key: key, sender: sender, isBot: isBot, state: &state))
        case .other: linkKind = .other
        }
        guard linkKind == .message || linkKind == .action else {
            var input = ReplyLinker.Input(kind: linkKind, nick: o.nick, time: o.time)
            input.nickHash = sender
            return ReciprocityEngine.Outcome(decision: state.linker.link(input), events: [])
        }

        let analysis = TextAnalysis(o.text, casemapping: casemapping)
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
        // An answer: linked to someone else's question.
        if !decision.startsConversation, !isBot, let antecedent = state.message(decision.antecedent),
            antecedent.user != sender, !antecedent.isBot
        {
            state.recentHelper[antecedent.user] = (o.nick, o.time)
            // A question that neither replies to the asker nor names them asks something of its
            // own ("anyone here using kde?" after another question), even when linked there.
            let asksInstead = isQuestion && !decision.isExplicit
                && !decision.mentionedNicks.contains { casemapping.equal($0, antecedent.nick) }
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
        if case .thanks(let thanks) = verdict, let credit = credit(for: thanks, of: o, sender: sender, analysis: analysis, decision: decision, state: state) {
            let detection: HelpEvent.Detection =
                switch credit.source {
                case .named: thanks.form == .plusPlus ? .plusPlus : .named
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
                let credited = TextAnalysis.nickHash(nick, casemapping: casemapping)
                if state.caps.allow(.thanked, from: sender, to: credited, at: o.time, cap: configuration.dailyCapPerPair) {
                    events.append(event)
                }
            }
        }
        return ReciprocityEngine.Outcome(decision: decision, events: events)
    }

    /// Who a thanks credits, with what the channel knows: only members are named (by `nick++` or a
    /// leading `<nick>`); a thanks that names the channel's bot, present or not, credits nobody
    /// else; and a thanks after a question credits only the one who last answered the thanker.
    func credit(
        for thanks: ThanksDetector.Thanks, of o: Observation, sender: UInt64, analysis: TextAnalysis, decision: ReplyLinker.Decision,
        state: ChannelState
    ) -> CreditResolver.Credit? {
        let casemapping = configuration.casemapping
        // `c++`, `lvm++`, `notepad++`: nobody here.
        var named = thanks.plusPlus.compactMap { state.linker.member($0) }
        if thanks.form == .plusPlus, named.isEmpty { return nil }
        if let angle = thanks.angleNick {
            // `<bob> thanks`: bob addressed, if he is here; else a quote of him.
            guard let member = state.linker.member(angle), !casemapping.equal(member, o.nick) else { return nil }
            named.insert(member, at: 0)
        }
        if thanks.form != .plusPlus { named += decision.mentionedNicks }
        let recent = state.recentHelper[sender].flatMap { o.time - $0.time <= configuration.recentHelperSeconds ? $0 : nil }
        if thanks.afterQuestion, recent == nil { return nil }
        let linkedAuthor = decision.startsConversation ? nil : state.message(decision.antecedent)?.nick
        let facts = CreditResolver.Facts(
            thanker: o.nick, named: named, explicitReplyAuthor: decision.isExplicit ? linkedAuthor : nil,
            linkedAuthor: decision.isExplicit ? nil : linkedAuthor, recentHelper: recent?.nick)
        let resolver = CreditResolver(casemapping: casemapping) { [botNicks = configuration.botNicks, bots = state.botNicks] nick in
            let folded = casemapping.fold(nick)
            return botNicks.contains(folded) || bots.contains(folded)
        }
        guard var credit = resolver.resolve(facts) else { return nil }
        // "ubottu: thanks for the link" before the bot said anything here.
        if credit.source != .named, analysis.tokens.contains(where: { botHashes.contains($0.nick) }) { return nil }
        // After a question, only the one who last answered the thanker.
        if thanks.afterQuestion, let recent { credit.nicks.removeAll { !casemapping.equal($0, recent.nick) } }
        return credit.nicks.isEmpty ? nil : credit
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
