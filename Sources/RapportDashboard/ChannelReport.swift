public import Foundation

/// Everything one channel's dashboard page shows, for one period.
public struct ChannelReport: Sendable {
    /// A person who helped: answers they gave, people they helped, thanks they received.
    public struct Helper: Sendable, Hashable {
        public var nick: String
        public var answers: Int
        public var peopleHelped: Int
        public var thanks: Int
    }

    /// Help that went from `helper` to `helped`, `weight` times.
    public struct Edge: Sendable, Hashable {
        public var helper: String
        public var helped: String
        public var weight: Int
    }

    /// Help events on one day (UTC).
    public struct Day: Sendable, Hashable {
        public var start: Date
        public var count: Int
    }

    /// A question nobody has answered yet.
    public struct Question: Sendable, Hashable {
        public var asker: String
        public var excerpt: String
        public var askedAt: Date
    }

    public var network: String
    public var channel: String
    public var period: Period
    /// When the report was made; ages are counted from it.
    public var now: Date
    /// Help events per day, oldest first, one entry for every day of the chart (zero included).
    public var perDay: [Day]
    public var edges: [Edge]
    public var helpers: [Helper]
    public var unsung: [Helper]
    public var openQuestions: [Question]
    public var nudgesSent: Int
    public var nudgesSuppressed: Int
}
