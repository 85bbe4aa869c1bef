public import RapportCore

/// Decides, as each message of one channel arrives, which earlier message it responds to, or that
/// it starts a new conversation.
///
/// Online and without look-ahead: a decision uses only what came before. State is bounded: the
/// last ``windowSize`` messages are the candidates, and per-user and per-pair memories are pruned
/// as the channel moves on, so memory stays flat however long the log.
///
/// An explicit reply (Matrix `m.in_reply_to`, IRCv3 `+draft/reply`) to a message still in the
/// window wins. Otherwise every candidate, and the message itself (a conversation start), gets a
/// ``LinkModel`` score over ``LinkFeature``s, and the best one is the antecedent.
public struct ReplyLinker: Sendable {
    /// One message or channel event, as plain values.
    public struct Input: Sendable {
        public enum Kind: Sendable, Hashable {
            /// A message (or a notice).
            case message
            /// An action (`/me …`).
            case action
            /// The user joined.
            case join
            /// The user left (part, quit, kick).
            case leave
            /// The user is now known as `newNick`.
            case nickChange(newNick: String)
            /// Any other event: topic, mode, …; never linked to.
            case other
        }

        public var kind: Kind
        public var nick: String
        /// Seconds since any fixed origin (only differences matter).
        public var time: Double
        public var analysis: TextAnalysis
        public var isQuestion: Bool
        public var isThanks: Bool
        public var isBot: Bool
        /// The sequence number of the message this one explicitly replies to.
        public var explicitReplyTo: Int?

        public init(
            kind: Kind, nick: String, time: Double, analysis: TextAnalysis = TextAnalysis(""), isQuestion: Bool = false,
            isThanks: Bool = false, isBot: Bool = false, explicitReplyTo: Int? = nil
        ) {
            self.kind = kind
            self.nick = nick
            self.time = time
            self.analysis = analysis
            self.isQuestion = isQuestion
            self.isThanks = isThanks
            self.isBot = isBot
            self.explicitReplyTo = explicitReplyTo
        }
    }

    /// What the linker decided for one input.
    public struct Decision: Sendable, Hashable {
        /// The input's sequence number (counting every input from 0).
        public var sequence: Int
        /// The sequence number of the antecedent, or ``sequence`` for a conversation start (and
        /// for events other than messages).
        public var antecedent: Int
        /// Nick of the antecedent's author, if the antecedent is an earlier message.
        public var antecedentNick: String?
        /// Whether the link came from an explicit reply relation.
        public var isExplicit: Bool
        /// Whether the input was a message or action (the only inputs that are linked).
        public var isMessage: Bool
        /// Channel members named in the message (addressed first), as they last showed their nick.
        public var mentionedNicks: [String] = []

        /// Whether the message starts a new conversation.
        public var startsConversation: Bool { antecedent == sequence }
    }

    /// A message in the window.
    struct Entry: Sendable {
        var sequence: Int
        var user: UInt64
        var nick: String
        var foldedNick: String
        var time: Double
        var analysis: TextAnalysis
        var addressee: UInt64?
        var mentions: [UInt64]
        var isQuestion: Bool
        var isThanks: Bool
        var isGreeting: Bool
        var isBot: Bool
        var isAction: Bool
        var antecedent: Int
        var antecedentUser: UInt64?
        /// Whether its author has spoken again since (it is no longer their latest message).
        var superseded = false
        /// Whether its author joined shortly before writing it.
        var userJoinedRecently = false
    }

    struct UserState: Sendable {
        var lastSeen: Int
        var nick: String
        var lastMessage: Int?
        var lastMessageTime: Double = 0
        var lastJoin: Int?
        var lastAddressedBy: Int?
        var lastAntecedentUser: UInt64?
        var lastWasLinkedToOther = false
    }

    struct Pair: Hashable, Sendable {
        var from: UInt64
        var to: UInt64
    }

    /// How many earlier messages are candidates.
    public let windowSize: Int
    let casemapping: Casemapping
    let model: LinkModel
    var window: [Entry] = []
    var windowStart = 0
    var users: [UInt64: UserState] = [:]
    var addressed: [Pair: Int] = [:]
    var linked: [Pair: Int] = [:]
    var nextSequence = 0
    var lastMessageTime: Double?
    var features: [Float]
    var scores: [Float]

    /// Creates a linker for one channel.
    public init(casemapping: Casemapping = .rfc1459, windowSize: Int = 50, model: LinkModel = .trained) {
        self.casemapping = casemapping
        self.windowSize = windowSize
        self.model = model
        self.features = [Float](repeating: 0, count: LinkFeature.count * (windowSize + 1))
        self.scores = [Float](repeating: 0, count: windowSize + 1)
    }

    /// The sequence number the next input will get.
    public var sequence: Int { nextSequence }

    /// The number of users the linker currently remembers (for tests of bounded state).
    public var rememberedUsers: Int { users.count }

    /// Links one input; see ``Decision``.
    public mutating func link(_ input: Input) -> Decision {
        link(input, dump: nil)
    }

    /// Links one input and, when `dump` is given, hands it the candidates' sequence numbers (self
    /// first) and their feature rows, `LinkFeature.count` floats each.
    mutating func link(_ input: Input, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?) -> Decision {
        let sequence = nextSequence
        nextSequence += 1
        if sequence & 4095 == 4095 { prune(before: sequence - 4096) }
        let user = TextAnalysis.nickHash(input.nick, casemapping: casemapping)

        switch input.kind {
        case .message, .action:
            break
        case .join:
            users[user, default: UserState(lastSeen: sequence, nick: input.nick)].lastJoin = sequence
            users[user]!.lastSeen = sequence
            users[user]!.nick = input.nick
            return Decision(sequence: sequence, antecedent: sequence, isExplicit: false, isMessage: false)
        case .nickChange(let newNick):
            let newKey = TextAnalysis.nickHash(newNick, casemapping: casemapping)
            if var state = users.removeValue(forKey: user) {
                state.lastSeen = sequence
                state.nick = newNick
                users[newKey] = state
            } else {
                users[newKey] = UserState(lastSeen: sequence, nick: newNick)
            }
            return Decision(sequence: sequence, antecedent: sequence, isExplicit: false, isMessage: false)
        case .leave, .other:
            return Decision(sequence: sequence, antecedent: sequence, isExplicit: false, isMessage: false)
        }

        var entry = makeEntry(input, user: user, sequence: sequence)
        var best = sequence
        var isExplicit = false
        if let target = input.explicitReplyTo, let candidate = entryIndex(sequence: target) {
            best = window[candidate].sequence
            isExplicit = true
        } else {
            best = rank(entry, dump: dump)
        }
        var antecedentNick: String?
        if best != sequence, let index = entryIndex(sequence: best) {
            let antecedent = window[index]
            entry.antecedent = best
            entry.antecedentUser = antecedent.user
            antecedentNick = antecedent.nick
            if antecedent.user != user {
                linked[Pair(from: user, to: antecedent.user)] = sequence
            }
        }
        let mentioned = entry.mentions.compactMap { users[$0]?.nick }
        record(entry, input: input)
        return Decision(
            sequence: sequence, antecedent: best, antecedentNick: antecedentNick, isExplicit: isExplicit, isMessage: true,
            mentionedNicks: mentioned)
    }

    // MARK: - Window

    func entryIndex(sequence: Int) -> Int? {
        // Sequence numbers in the window increase; binary search.
        var lo = windowStart, hi = window.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let s = window[mid].sequence
            if s == sequence { return mid }
            if s < sequence { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    mutating func record(_ entry: Entry, input: Input) {
        if let previous = users[entry.user]?.lastMessage, let index = entryIndex(sequence: previous) {
            window[index].superseded = true
        }
        var state = users[entry.user] ?? UserState(lastSeen: entry.sequence, nick: entry.nick)
        state.lastSeen = entry.sequence
        state.nick = entry.nick
        state.lastMessage = entry.sequence
        state.lastMessageTime = entry.time
        state.lastAntecedentUser = entry.antecedentUser
        state.lastWasLinkedToOther = entry.antecedentUser != nil && entry.antecedentUser != entry.user
        users[entry.user] = state
        for target in entry.mentions where target != entry.user {
            addressed[Pair(from: entry.user, to: target)] = entry.sequence
            users[target]?.lastAddressedBy = entry.sequence
        }
        window.append(entry)
        if window.count - windowStart > windowSize { windowStart += 1 }
        if windowStart > 4 * windowSize {
            window.removeFirst(windowStart)
            windowStart = 0
        }
        lastMessageTime = entry.time
    }

    mutating func prune(before horizon: Int) {
        users = users.filter { $0.value.lastSeen >= horizon }
        addressed = addressed.filter { $0.value >= horizon }
        linked = linked.filter { $0.value >= horizon }
    }

    func makeEntry(_ input: Input, user: UInt64, sequence: Int) -> Entry {
        let analysis = input.analysis
        var addressee: UInt64?
        var mentions: [UInt64] = []
        for (position, token) in analysis.tokens.enumerated() {
            var match: UInt64?
            if users[token.nick] != nil {
                let isAddressing = position == 0 && token.addressMark
                if isAddressing || token.atMark || (token.length >= 3 && !StopWords.contains(token.word)) {
                    match = token.nick
                }
            } else if users[token.rawNick] != nil {
                match = token.rawNick
            } else if position == 0, token.addressMark || token.atMark, token.nickText.utf8.count >= 2 {
                match = shortenedNick(token.nickText)
            }
            guard let match, match != user else { continue }
            if position == 0, token.addressMark || token.atMark { addressee = match }
            if !mentions.contains(match) { mentions.append(match) }
        }
        if addressee == nil, mentions.count == 1, let first = analysis.tokens.first,
            first.nick == mentions[0] || first.rawNick == mentions[0]
        {
            addressee = mentions[0]  // "bob try this" — a nick first, without a colon
        }
        let greeting = analysis.tokens.first.map { Self.greetings.contains($0.word) } ?? false
        let joined = users[user]?.lastJoin.map { sequence - $0 < 200 } ?? false
        var entry = Entry(
            sequence: sequence, user: user, nick: input.nick, foldedNick: casemapping.fold(input.nick), time: input.time,
            analysis: analysis, addressee: addressee, mentions: mentions, isQuestion: input.isQuestion,
            isThanks: input.isThanks, isGreeting: greeting, isBot: input.isBot, isAction: input.kind == .action,
            antecedent: sequence, antecedentUser: nil)
        entry.userJoinedRecently = joined
        return entry
    }

    /// A shortened nick (`hik:` for `Hikaru79`): the most recent speaker in the window whose nick
    /// starts with `prefix`.
    func shortenedNick(_ prefix: String) -> UInt64? {
        var i = window.count - 1
        while i >= windowStart {
            if window[i].foldedNick.hasPrefix(prefix) { return window[i].user }
            i -= 1
        }
        return nil
    }

    static let greetings: Set<UInt64> = Set(
        ["hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "anyone", "anybody", "someone", "somebody", "help",
         "question", "hallo", "hola", "salut", "bonjour", "morning", "evening"].map { TextAnalysis.hash($0) })
}
