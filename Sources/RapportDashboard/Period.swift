public import Foundation

/// The stretch of time a dashboard page covers: `?period=week|month|all`.
public enum Period: String, Sendable, CaseIterable {
    case week, month, all

    /// The first moment inside the period.
    public func since(_ now: Date) -> Date {
        switch self {
        case .week: now.addingTimeInterval(-7 * 86400)
        case .month: now.addingTimeInterval(-30 * 86400)
        case .all: .distantPast
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
