public import RapportCore

/// Decides who gets the credit for a thanks.
///
/// In order: the nicks the message names (`thanks bob`, `bob++`); else the author of the message it
/// replies to (an explicit reply, or the link the ``ReplyLinker`` found); else whoever most
/// recently helped the thanker. Never the thanker, never a bot.
public struct CreditResolver: Sendable {
    /// Where the credit came from.
    public enum Source: String, Sendable, Hashable, Codable {
        case named, explicitReply, linked, recentHelper, reaction, command
    }

    /// The facts about one thanks message.
    public struct Facts: Sendable {
        public var thanker: String
        /// Nicks of channel members named in the message, in order (including `nick++`).
        public var named: [String]
        /// Author of the message it explicitly replies to.
        public var explicitReplyAuthor: String?
        /// Author of the message the linker linked it to.
        public var linkedAuthor: String?
        /// The last person who answered the thanker, if recent.
        public var recentHelper: String?

        public init(
            thanker: String, named: [String] = [], explicitReplyAuthor: String? = nil, linkedAuthor: String? = nil,
            recentHelper: String? = nil
        ) {
            self.thanker = thanker
            self.named = named
            self.explicitReplyAuthor = explicitReplyAuthor
            self.linkedAuthor = linkedAuthor
            self.recentHelper = recentHelper
        }
    }

    /// The credited nicks and where they came from.
    public struct Credit: Sendable, Hashable {
        public var nicks: [String]
        public var source: Source
    }

    public var casemapping: Casemapping
    /// At most this many nicks are credited by one message.
    public var maximumPerMessage: Int
    /// Whether a nick belongs to a bot.
    public var isBot: @Sendable (String) -> Bool

    public init(casemapping: Casemapping = .rfc1459, maximumPerMessage: Int = 3, isBot: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.casemapping = casemapping
        self.maximumPerMessage = maximumPerMessage
        self.isBot = isBot
    }

    /// Who gets the credit, or `nil` if nobody can.
    public func resolve(_ facts: Facts) -> Credit? {
        let named = eligible(facts.named, thanker: facts.thanker)
        if !named.isEmpty { return Credit(nicks: Array(named.prefix(maximumPerMessage)), source: .named) }
        let fallbacks: [(String?, Source)] = [
            (facts.explicitReplyAuthor, .explicitReply), (facts.linkedAuthor, .linked), (facts.recentHelper, .recentHelper),
        ]
        for (nick, source) in fallbacks {
            if let nick, let first = eligible([nick], thanker: facts.thanker).first { return Credit(nicks: [first], source: source) }
        }
        return nil
    }

    func eligible(_ nicks: [String], thanker: String) -> [String] {
        let me = casemapping.fold(thanker)
        var seen: Set<String> = []
        var out: [String] = []
        for nick in nicks {
            let folded = casemapping.fold(nick)
            guard folded != me, !isBot(nick), seen.insert(folded).inserted else { continue }
            out.append(nick)
        }
        return out
    }
}
