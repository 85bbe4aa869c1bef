public import Foundation

/// What one person chose about nudges.
public struct NudgePreferences: Sendable, Hashable, Codable {
    /// `!nudges off` (or `stop` in reply to a nudge).
    public var off = false
    /// `!nudges snooze 1d`: nothing until then.
    public var snoozedUntil: Date?
    /// `!nudges quiet 22:00-08:00 Europe/Berlin`.
    public var quiet: QuietHours?

    public init() {}
}
