import GRDB
import Logging

/// Moves the write-ahead log into the database file from a connection of its own, every
/// `interval`, so that no commit does it.
///
/// SQLite's default makes the commit that finds 1,000 pages in the WAL copy them into the
/// database and sync both files (0.3–12 ms here), and that commit was whichever plugin batch
/// came next — with a command waiting behind it. The store's connection has automatic
/// checkpoints off; this one runs passive checkpoints (they never wait for, or block, the
/// writer) on GRDB's own thread, not on a thread of Swift's pool.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    init(path: String, every interval: Duration, configuration: Configuration, logger: Logger) throws {
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                do {
                    _ = try await connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops checkpointing and waits for a checkpoint under way; the connection closes with it.
    func stop() async {
        task.cancel()
        await task.value
    }

    deinit { task.cancel() }
}
