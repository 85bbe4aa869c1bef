public import Foundation

/// A daily window in a person's own time zone when they get no nudges: `22:00-08:00 Europe/Berlin`.
///
/// A nudge that falls due inside the window waits until it ends; it is deferred, not dropped.
public struct QuietHours: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int
    /// An IANA time zone name.
    public var timeZone: String

    /// Parses `HH:MM-HH:MM ZONE` (the zone defaults to UTC); `nil` if it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else { return nil }
        let times = parts[0].split(separator: "-")
        guard times.count == 2, let start = Self.minutes(times[0]), let end = Self.minutes(times[1]), start != end else {
            return nil
        }
        let zone = parts.count == 2 ? String(parts[1]) : "UTC"
        guard TimeZone(identifier: zone) != nil else { return nil }
        self.start = start
        self.end = end
        self.timeZone = zone
    }

    private static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":")
        guard (1...2).contains(hm.count), let h = Int(hm[0]), (0..<24).contains(h) else { return nil }
        let m = hm.count == 2 ? Int(hm[1]) : 0
        guard let m, (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar
    }

    private func minuteOfDay(_ date: Date) -> Int {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }

    /// Whether `date` falls inside the quiet window.
    public func contains(_ date: Date) -> Bool {
        let minute = minuteOfDay(date)
        return start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
    }

    /// The first moment after `date` when the window is over (`date` itself if it is not quiet).
    public func end(after date: Date) -> Date {
        guard contains(date) else { return date }
        let minute = minuteOfDay(date)
        let wait = (end - minute + 1440) % 1440
        let rounded = calendar.date(bySetting: .second, value: 0, of: date) ?? date
        let candidate = rounded.addingTimeInterval(TimeInterval(wait * 60))
        // Daylight-saving shifts can land a minute early; step until outside.
        return contains(candidate) ? candidate.addingTimeInterval(3600) : candidate
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d %@", start / 60, start % 60, end / 60, end % 60, timeZone)
    }
}
