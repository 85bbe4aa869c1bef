import Foundation
public import RapportCore
import RapportTesting
import Synchronization

/// Collects what a connector delivers.
public final class RecordingSink: EventSink {
    public init() {}

    private let received = Mutex<[[ChatEvent]]>([])

    public func receive(_ events: [ChatEvent]) async { received.withLock { $0.append(events) } }
    public func settle() async {}

    public var all: [ChatEvent] { Array(batches.joined()) }

    /// The events as they arrived: one array per ``receive(_:)-([ChatEvent])`` call.
    public var batches: [[ChatEvent]] { received.withLock { $0 } }

    /// Waits until `predicate` holds for the events so far; fails after `seconds`.
    @discardableResult
    public func wait(
        _ what: String, seconds: Double = 30, until predicate: @Sendable ([ChatEvent]) -> Bool
    ) async throws -> [ChatEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = all
            if predicate(now) { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("timed out waiting for \(what); got: \(all.map { "\($0.id?.rawValue ?? "-") \($0.kind)" })")
    }
}
