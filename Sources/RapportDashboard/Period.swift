public import Foundation
import ThanksPlugin

/// The stretch of time a dashboard page covers: `?period=week|month|all`.
public enum Period: String, Sendable, CaseIterable {
    case week, month, all

    /// The period as the thanks plugin's statistics count it.
    func helpPeriod(endingAt now: Date) -> HelpPeriod {
        switch self {
        case .week: .week(endingAt: now)
        case .month: .month(endingAt: now)
        case .all: .allTime(endingAt: now)
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

    var label: String {
        switch self {
        case .week: "last 7 days"
        case .month: "last 30 days"
        case .all: "all time"
        }
    }
}
