public import Foundation

/// A span of time that statistics cover: from ``start`` (included) to ``end`` (excluded).
public struct HelpPeriod: Sendable, Hashable {
    public var start: Date
    public var end: Date
    /// How the period reads in chat: "this week", "this month", "all time".
    public var label: String

    public init(start: Date, end: Date, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }

    /// The 7 days before `now`.
    public static func week(endingAt now: Date) -> HelpPeriod {
        HelpPeriod(start: now.addingTimeInterval(-7 * 86400), end: now, label: "this week")
    }

    /// The 30 days before `now`.
    public static func month(endingAt now: Date) -> HelpPeriod {
        HelpPeriod(start: now.addingTimeInterval(-30 * 86400), end: now, label: "this month")
    }

    /// Everything before `now`.
    public static func allTime(endingAt now: Date) -> HelpPeriod {
        HelpPeriod(start: Date(timeIntervalSince1970: 0), end: now, label: "all time")
    }

    /// `week`, `month` or `all` (as typed in chat), ending at `now`; `nil` for anything else.
    public init?(named name: String, endingAt now: Date) {
        switch name.lowercased() {
        case "week": self = .week(endingAt: now)
        case "month": self = .month(endingAt: now)
        case "all": self = .allTime(endingAt: now)
        default: return nil
        }
    }
}
