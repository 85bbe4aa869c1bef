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
        /// ``TextAnalysis/nickHash(_:casemapping:)`` of ``nick`` under the linker's casemapping,
        /// when the caller has it already (the engine does), so it is not computed twice.
        var nickHash: UInt64?

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
        var time: Double
        var addressee: UInt64?
        var mentions: [UInt64]
        /// ``TextAnalysis/contentWords``, and their ``TextAnalysis/signature(of:)``.
        var contentWords: [UInt64]
        var contentSignature: UInt64
        var tokenCount: Int
        var isQuestion: Bool
        var isThanks: Bool
        var isGreeting: Bool
        var isBot: Bool
        var isAction: Bool
        var startsWithBang: Bool
        var antecedent: Int
        var antecedentUser: UInt64?
        /// Whether its author has spoken again since (it is no longer their latest message).
        var superseded = false
        /// Whether its author joined shortly before writing it.
        var userJoinedRecently = false
        /// The pair features this message decides as a candidate, set once it is linked.
        var candidateBits = SideBits()
        /// ``TextAnalysis/bloomBit(_:)`` of ``user``.
        var userBit: UInt64 = 0
        /// The first byte of ``nick`` folded, when it is ASCII (not CR); else 0.
        var nickFirstFolded: UInt8 = 0
        /// The bloom bits of the users it names or answered, set once it is linked: a query by a
        /// user without a bit here is neither addressed, mentioned nor answered by it.
        var targetBits: UInt64 = 0
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

    /// Buffers reused from one message to the next, so ranking allocates nothing.
    struct Scratch: Sendable {
        /// With a hidden layer: the rows the linear part ranks highest, and their linear scores.
        var shortlist = Shortlist(capacity: ReplyLinker.shortlistSize)
        /// The features of each shortlist entry (``ReplyLinker/shortlistSize`` rows).
        var shortlisted: [FeatureRow] = []
        /// Who talked to whom recently (``ReplyLinker/pairFacts(query:window:into:)``).
        var facts: [(user: UInt64, bits: UInt64)] = []
    }

    /// How many earlier messages are candidates.
    public let windowSize: Int
    let casemapping: Casemapping
    let model: LinkModel
    var window: [Entry] = []
    var windowStart = 0
    /// Users by nick hash.
    var users = HashMap64<UserState>()
    var nextSequence = 0
    var lastMessageTime: Double?
    var scratch = Scratch()

    /// How many earlier messages are candidates by default: the window the model was trained on.
    public static let defaultWindowSize = 25

    /// Creates a linker for one channel.
    public init(casemapping: Casemapping = .rfc1459, windowSize: Int = defaultWindowSize, model: LinkModel = .trained) {
        self.casemapping = casemapping
        self.windowSize = windowSize
        self.model = model
        scratch.shortlisted = [FeatureRow](repeating: .selfCandidate(), count: Self.shortlistSize)
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
    mutating func link(_ input: Input, dump: FeatureDump?) -> Decision {
        let sequence = nextSequence
        nextSequence += 1
        if sequence & 4095 == 4095 { prune(before: sequence - 4096) }
        let user = input.nickHash ?? TextAnalysis.nickHash(input.nick, casemapping: casemapping)

        switch input.kind {
        case .message, .action:
            break
        case .join:
            users.update(user, default: UserState(lastSeen: sequence, nick: input.nick)) {
                $0.lastJoin = sequence
                $0.lastSeen = sequence
                $0.nick = input.nick
            }
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

        let state = users[user]
        // Looked up once, for the self features and to mark it superseded.
        let previous = state?.lastMessage.flatMap { entryIndex(sequence: $0) }
        var entry = makeEntry(input, user: user, state: state, sequence: sequence)
        let antecedent: Int?
        var isExplicit = false
        if let target = input.explicitReplyTo, let candidate = entryIndex(sequence: target) {
            antecedent = candidate
            isExplicit = true
        } else {
            antecedent = rank(entry, state: state, previous: previous, dump: dump)
        }
        var best = sequence
        var antecedentNick: String?
        if let index = antecedent {
            // Field by field: a copy of the whole entry costs a reference count per array.
            best = window[index].sequence
            entry.antecedent = best
            entry.antecedentUser = window[index].user
            antecedentNick = window[index].nick
        }
        let mentioned = entry.mentions.compactMap { users[$0]?.nick }
        entry.candidateBits = candidateBits(entry)
        entry.targetBits = Self.bloom(entry.mentions, entry.antecedentUser, entry.addressee)
        record(consume entry, previous: previous)
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

    /// Adds `entry` to the window; `previous` is the window index of its author's previous message.
    mutating func record(_ entry: consuming Entry, previous: Int?) {
        users.update(entry.user, default: UserState(lastSeen: entry.sequence, nick: entry.nick)) {
            Self.update(&$0, with: entry)
        }
        if let previous { window[previous].superseded = true }
        for target in entry.mentions where target != entry.user {
            users.modify(target) { $0.lastAddressedBy = entry.sequence }
        }
        lastMessageTime = entry.time
        window.append(entry)
        if window.count - windowStart > windowSize { windowStart += 1 }
        if windowStart > 4 * windowSize {
            window.removeFirst(windowStart)
            windowStart = 0
        }
    }

    /// Records `entry` as its author's latest message.
    static func update(_ state: inout UserState, with entry: Entry) {
        state.lastSeen = entry.sequence
        state.nick = entry.nick
        state.lastMessage = entry.sequence
        state.lastMessageTime = entry.time
        state.lastAntecedentUser = entry.antecedentUser
        state.lastWasLinkedToOther = entry.antecedentUser != nil && entry.antecedentUser != entry.user
    }

    mutating func prune(before horizon: Int) {
        users.filter { $0.lastSeen >= horizon }
    }

    /// The nick, as last shown, of the channel member `nick` names under the casemapping, if the
    /// linker remembers them (they spoke, joined or changed nick lately).
    public func member(_ nick: String) -> String? {
        users[TextAnalysis.nickHash(nick, casemapping: casemapping)]?.nick
    }

    /// Whether `hash` is the nick of a user the linker remembers.
    @inline(__always)
    func isKnown(_ hash: UInt64) -> Bool {
        users.contains(hash)
    }

    func makeEntry(_ input: Input, user: UInt64, state: UserState?, sequence: Int) -> Entry {
        let analysis = input.analysis
        var addressee: UInt64?
        var mentions: [UInt64] = []
        for (position, token) in analysis.tokens.enumerated() {
            var match: UInt64?
            if isKnown(token.nick) {
                let isAddressing = position == 0 && token.addressMark
                if isAddressing || token.atMark || (token.length >= 3 && !StopWords.contains(token.word)) {
                    match = token.nick
                }
            } else if isKnown(token.rawNick) {
                match = token.rawNick
            } else if position == 0, token.addressMark || token.atMark, analysis.addressPrefix.utf8.count >= 2 {
                match = shortenedNick(analysis.addressPrefix)
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
        let joined = state?.lastJoin.map { sequence - $0 < 200 } ?? false
        var entry = Entry(
            sequence: sequence, user: user, nick: input.nick, time: input.time, addressee: addressee, mentions: mentions,
            contentWords: analysis.contentWords, contentSignature: TextAnalysis.signature(of: analysis.contentWords),
            tokenCount: analysis.tokens.count, isQuestion: input.isQuestion, isThanks: input.isThanks, isGreeting: greeting,
            isBot: input.isBot, isAction: input.kind == .action, startsWithBang: analysis.startsWithBang, antecedent: sequence,
            antecedentUser: nil)
        entry.userJoinedRecently = joined
        entry.userBit = TextAnalysis.bloomBit(user)
        if let first = input.nick.utf8.first, Self.isPlain(first) { entry.nickFirstFolded = TextAnalysis.NickFold(casemapping)(first) }
        return entry
    }

    /// A shortened nick (`hik:` for `Hikaru79`): the most recent speaker in the window whose nick,
    /// folded, starts with `prefix`.
    ///
    /// A nick whose first byte, folded, is ASCII and not the prefix's (ASCII) first byte cannot
    /// match, and is passed over without comparing the strings (≈ 175 instructions a nick).
    func shortenedNick(_ prefix: String) -> UInt64? {
        let first = prefix.utf8.first ?? 0
        let compareAll = prefix.isEmpty || !Self.isPlain(first)
        var i = window.count - 1
        while i >= windowStart {
            let nickFirst = window[i].nickFirstFolded
            if compareAll || nickFirst == 0 || nickFirst == first,
                Self.folded(window[i].nick, hasPrefix: prefix, casemapping: casemapping)
            {
                return window[i].user
            }
            i -= 1
        }
        return nil
    }

    /// Whether `byte` is ASCII but not CR: such a byte is a character of its own.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x0D }

    /// `casemapping.fold(nick).hasPrefix(prefix)`, without building the folded nick when both
    /// are ASCII without CR (then every byte is a character, and comparing bytes is what
    /// `hasPrefix` does).
    static func folded(_ nick: String, hasPrefix prefix: String, casemapping: Casemapping) -> Bool {
        let fold = TextAnalysis.NickFold(casemapping)
        var nickBytes = nick.utf8.makeIterator()
        for p in prefix.utf8 {
            guard let b = nickBytes.next(), isPlain(b), isPlain(p) else { return casemapping.fold(nick).hasPrefix(prefix) }
            if fold(b) != p { return false }
        }
        while let b = nickBytes.next() {
            if !isPlain(b) { return casemapping.fold(nick).hasPrefix(prefix) }
        }
        return true
    }

    static let greetings = HashSet64(words: [
        "hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "anyone", "anybody", "someone", "somebody", "help",
        "question", "hallo", "hola", "salut", "bonjour", "morning", "evening",
    ])
}
