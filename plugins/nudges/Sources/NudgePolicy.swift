public import Foundation

/// Decides whether a due nudge goes out now, waits, or is not sent at all — the respect half
/// of the feature, as a pure value so it can be tested and replayed in virtual time.
public struct NudgePolicy: Sendable {
    /// What to do with a due nudge.
    public enum Decision: Sendable, Hashable {
        case send
        /// Try again at that time, with the reason (for `!nudges why` and the logs).
        case wait(until: Date, reason: String)
        /// Never send it, with the reason.
        case drop(reason: String)
    }

    /// At most one nudge per person within this interval (12 hours by default).
    public var minimumGap: TimeInterval
    /// At most this many nudges per person in any 7 days (3 by default).
    public var weeklyLimit: Int

    public init(minimumGap: TimeInterval = 12 * 3600, weeklyLimit: Int = 3) {
        self.minimumGap = minimumGap
        self.weeklyLimit = weeklyLimit
    }

    /// - Parameters:
    ///   - sent: When this person was sent nudges before (any order).
    ///   - expires: After this the nudge is stale and dropped rather than delayed further.
    public func decide(now: Date, preferences: NudgePreferences, sent: [Date], expires: Date) -> Decision {
        if preferences.off { return .drop(reason: "nudges are off for this person") }
        if weeklyLimit <= 0 { return .drop(reason: "the weekly limit is zero") }
        var until = now
        var reason = ""
        func later(_ date: Date, _ why: String) {
            if date > until {
                until = date
                reason = why
            }
        }
        if let snooze = preferences.snoozedUntil { later(snooze, "snoozed") }
        if let last = sent.max() { later(last.addingTimeInterval(minimumGap), "at most one nudge per \(Int(minimumGap / 3600)) hours") }
        let week = sent.filter { $0 > now.addingTimeInterval(-7 * 86400) }.sorted()
        if week.count >= weeklyLimit {
            later(week[week.count - weeklyLimit].addingTimeInterval(7 * 86400), "at most \(weeklyLimit) nudges a week")
        }
        if let quiet = preferences.quiet, quiet.contains(until) { later(quiet.end(after: until), "quiet hours") }
        if until <= now { return .send }
        return until > expires ? .drop(reason: "\(reason) until after it expired") : .wait(until: until, reason: reason)
    }
}
