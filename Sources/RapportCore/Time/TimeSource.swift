public import Foundation

/// Where the bot gets the time, so tests can run schedules in virtual time.
public protocol TimeSource: Sendable {
    /// The current wall-clock time.
    var now: Date { get }
    /// Suspends until `deadline` (in this source's time) or throws on cancellation.
    func sleep(until deadline: Date) async throws
}

extension TimeSource {
    /// Suspends for `duration` (in this source's time).
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.addingTimeInterval(duration.timeInterval))
    }
}

/// The real clock.
public struct SystemTime: TimeSource {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
