import Synchronization

/// The last lines a plugin wrote to standard error, across its restarts: at most ``capacity``
/// lines of at most 2000 bytes each, for the dashboard.
final class StandardErrorTail: Sendable {
    static let capacity = 20
    private let lines = Mutex<[String]>([])

    func append(_ line: String) {
        lines.withLock {
            if $0.count >= Self.capacity { $0.removeFirst($0.count - Self.capacity + 1) }
            $0.append(line)
        }
    }

    var snapshot: [String] { lines.withLock { $0 } }
}
