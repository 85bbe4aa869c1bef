import Foundation

/// What ``eventually(_:timeout:_:)`` throws when the condition never held.
public struct EventuallyTimeout: Error, CustomStringConvertible {
    public var description: String
}

/// Polls `condition` every 50 ms until it holds, or throws after `timeout` seconds.
public func eventually(_ what: String, timeout: Double = 15, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw EventuallyTimeout(description: "timed out after \(timeout) s waiting for: \(what)")
}
