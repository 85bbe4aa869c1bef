import Foundation
import ThanksPlugin

/// Everything one channel's dashboard page shows, for one period.
struct ChannelReport: Sendable {
    /// Help events (answers and thanks) on one UTC day.
    struct Day: Sendable, Hashable {
        var start: Date
        var count: Int
    }

    var network: String
    var channel: String
    var period: Period
    /// When the report was made; ages are counted from it.
    var now: Date
    /// Help events per day, oldest first, one entry for every day of the chart (zero included).
    var perDay: [Day]
    var edges: [HelpStatistics.Edge]
    var helpers: [HelpStatistics.Helper]
    var unsung: [HelpStatistics.Helper]
    var openQuestions: [HelpStatistics.OpenQuestion]
    var nudgesSent: Int
    var nudgesSuppressed: Int
}
