public import Foundation

/// A span of time that statistics cover, from ``start`` (included) to ``end`` (excluded): a
/// calendar week (Monday to Monday), a calendar month, or all time, in UTC.
///
/// Periods are calendar ones so that the ledger can keep running totals per period (its
/// tallies, see `ThanksLedger+Tallies.swift`) and answer for a busy channel without reading its
/// events one by one.
public struct HelpPeriod: Sendable, Hashable {
    public var start: Date
    public var end: Date
    /// How the period reads in chat: "this week", "last week", "this month", "all time".
    public var label: String
    /// The ledger's name for the period's tallies: `all`, `w<week number>`, `m<month number>`.
    let key: String

    /// The calendar week (from Monday 00:00 UTC) that contains `date`.
    public static func week(containing date: Date, label: String = "this week") -> HelpPeriod {
        let week = weekNumber(ThanksLedger.day(date))
        let start = Double(week * 7 - 3) * 86400
        return HelpPeriod(
            start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: start + 7 * 86400), label: label, key: "w\(week)")
    }

    /// The calendar week before the one that contains `date`.
    public static func week(before date: Date) -> HelpPeriod {
        week(containing: date.addingTimeInterval(-7 * 86400), label: "last week")
    }

    /// The calendar month (UTC) that contains `date`.
    public static func month(containing date: Date) -> HelpPeriod {
        let month = monthNumber(date)
        let start = utc.date(from: DateComponents(year: Int(month / 12), month: Int(month % 12) + 1, day: 1)) ?? date
        let end = utc.date(byAdding: .month, value: 1, to: start) ?? date
        return HelpPeriod(start: start, end: end, label: "this month", key: "m\(month)")
    }

    /// Everything, ever.
    public static let allTime = HelpPeriod(start: Date(timeIntervalSince1970: 0), end: .distantFuture, label: "all time", key: "all")

    /// `week`, `month` or `all` (as typed in chat), the one that contains `now`; `nil` for anything else.
    public init?(named name: String, containing now: Date) {
        switch name.lowercased() {
        case "week": self = .week(containing: now)
        case "month": self = .month(containing: now)
        case "all": self = .allTime
        default: return nil
        }
    }

    private init(start: Date, end: Date, label: String, key: String) {
        self.start = start
        self.end = end
        self.label = label
        self.key = key
    }

    /// The week number of a UTC day number: weeks start on Mondays, and day 0 (1 January 1970) was a Thursday.
    static func weekNumber(_ day: Int64) -> Int64 { (day + 3) / 7 }

    /// The month number of `date` in UTC: year × 12 + month − 1.
    static func monthNumber(_ date: Date) -> Int64 {
        let parts = utc.dateComponents([.year, .month], from: date)
        return Int64(parts.year ?? 1970) * 12 + Int64(parts.month ?? 1) - 1
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}
