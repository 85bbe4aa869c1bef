import Foundation
import ThanksPlugin

/// The stretch of time a dashboard page covers: `?period=week|month|all`.
public enum Period: String, Sendable, CaseIterable {
    case week, month, all

    /// The period as the thanks plugin's statistics count it.
    func helpPeriod(containing now: Date) -> HelpPeriod {
        switch self {
        case .week: .week(containing: now)
        case .month: .month(containing: now)
        case .all: .allTime
        }
    }

    /// How many days the per-day chart shows (the last 90 for all time).
    var chartDays: Int {
        switch self {
        case .week: 7
        case .month: 30
        case .all: 90
        }
    }

    /// "this week", "this month", "all time": as the statistics name the period.
    var label: String { helpPeriod(containing: Date()).label }
}
