public import Foundation

extension HelpStatistics {
    /// Someone who helped in a channel during a period. People are keyed by their folded nick.
    public struct Helper: Sendable, Hashable {
        /// The folded nick (the key).
        public var person: String
        /// The nick as shown (one of its spellings, when it was written in several cases).
        public var nick: String
        /// Answers they gave to others' questions.
        public var answers: Int
        /// Distinct people who asked them or thanked them.
        public var peopleHelped: Int
        /// Thanks they received.
        public var thanks: Int
    }

    /// When a helper counts as unsung: at least ``minimumAnswers`` answers in the period, and at
    /// most ``maximumThanksPerAnswer`` thanks per answer. The default, 3 answers and ¼, reads "gave
    /// three or more answers and got fewer than one thanks for every four".
    public struct UnsungRule: Sendable, Hashable {
        public var minimumAnswers: Int
        public var maximumThanksPerAnswer: Double

        public init(minimumAnswers: Int = 3, maximumThanksPerAnswer: Double = 0.25) {
            self.minimumAnswers = minimumAnswers
            self.maximumThanksPerAnswer = maximumThanksPerAnswer
        }

        public func isUnsung(_ helper: Helper) -> Bool {
            helper.answers >= minimumAnswers && Double(helper.thanks) <= Double(helper.answers) * maximumThanksPerAnswer
        }
    }

    /// Someone whose first answer in the channel, ever, falls in the period.
    public struct Newcomer: Sendable, Hashable {
        public var person: String
        public var nick: String
        public var firstAnswer: Date
        /// Answers they gave in the period.
        public var answers: Int
    }

    /// Someone who asked in the period and has never answered anyone in the channel.
    public struct Asker: Sendable, Hashable {
        public var person: String
        public var nick: String
        /// Questions they asked in the period.
        public var questions: Int
    }

    /// The help of one UTC day; days without any are left out.
    public struct Day: Sendable, Hashable {
        /// Midnight UTC that starts the day.
        public var day: Date
        public var answers: Int
        public var thanks: Int
        public var questions: Int
    }

    /// Help that went from one person to another: answers and thanks together.
    public struct Edge: Sendable, Hashable {
        public var helper: String
        public var helperNick: String
        public var helped: String
        public var helpedNick: String
        public var weight: Int
    }

    /// A question nobody has answered yet. Its ``excerpt`` is empty once text retention removed it.
    public struct OpenQuestion: Sendable, Hashable {
        public var id: String
        public var asker: String
        public var nick: String
        public var askedAt: Date
        public var excerpt: String
    }

    /// A channel's help in a period, in numbers.
    public struct Activity: Sendable, Hashable {
        public var answers: Int
        public var thanks: Int
        public var questions: Int
        /// Questions of the period still unanswered.
        public var unanswered: Int
        /// Distinct people who answered or were thanked.
        public var helpers: Int
    }

    /// A count about one other person.
    public struct PersonCount: Sendable, Hashable {
        public var person: String
        public var nick: String
        public var count: Int
    }

    /// One person's give and get on a network, over all time.
    public struct Balance: Sendable, Hashable {
        public var answersGiven: Int
        public var answersReceived: Int
        public var thanksReceived: Int
        public var thanksGiven: Int
        /// The people they helped (answered, or were thanked by), most first.
        public var helped: [PersonCount]
        /// The people who helped them, most first.
        public var helpedBy: [PersonCount]
    }
}
