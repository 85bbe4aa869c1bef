import Logging

/// The `/sync` long-poll loop: fetch a batch, let the connector process it, then save the
/// `since` token, forever.
///
/// ```
///   since ─▶ fetch ──ok──▶ process(batch) ──▶ save(next_batch) ──▶ since = next_batch ─┐
///     ▲        │                                                                     │
///     │        └─error─▶ wait (1 s doubling to 30 s, or the server's retry_after_ms) │
///     └──────────────────────────────────────────────────────────────────────────────┘
/// ```
/// The token is saved only after the batch was processed, so a crash replays the batch instead
/// of losing it (the translator's persisted seen-IDs drop the repeats). The loop never ends on a
/// network or server error; it returns only by throwing `CancellationError`, or
/// ``MatrixError/Code/unknownToken`` so that the connector can log in again.
struct MatrixSyncLoop: Sendable {
    /// Fetches one batch after `since`; `fullState` asks for the complete room state (first
    /// request after a restart, when the in-memory room state is empty).
    var fetch: @Sendable (_ since: String?, _ fullState: Bool) async throws -> SyncResponse
    /// Processes a batch; `initial` when there was no `since` (a new login).
    var process: @Sendable (_ batch: SyncResponse, _ initial: Bool) async -> Void
    /// Persists the token of the next batch.
    var save: @Sendable (_ since: String) async throws -> Void
    var logger: Logger
    var initialBackoff: Duration = .seconds(1)
    var maxBackoff: Duration = .seconds(30)
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// Runs until cancelled (throws `CancellationError`) or the token is refused.
    func run(since start: String?) async throws -> Never {
        var since = start
        var fullState = start != nil
        var failures = 0
        while true {
            try Task.checkCancellation()
            let batch: SyncResponse
            do {
                batch = try await fetch(since, fullState)
            } catch let error as MatrixError where error.code == .unknownToken {
                throw error
            } catch let error as MatrixError where !error.isTransient && error.code != .decoding {
                // A 4xx other than a bad token: the request itself is wrong. Start over without
                // `since` (the server may have dropped it) rather than spin on the same error.
                failures += 1
                logger.error("sync refused; starting again from a fresh sync", metadata: ["error": "\(error)"])
                since = nil
                fullState = false
                try await sleep(backoff(failures, error))
                continue
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failures += 1
                let pause = backoff(failures, error as? MatrixError)
                let level: Logger.Level = failures <= 1 ? .info : .warning
                logger.log(level: level, "sync failed, retrying", metadata: ["error": "\(error)", "attempt": "\(failures)", "retry_in": "\(pause)"])
                try await sleep(pause)
                continue
            }
            if failures > 0 { logger.info("sync recovered", metadata: ["after_failures": "\(failures)"]) }
            failures = 0
            await process(batch, since == nil)
            do {
                try await save(batch.nextBatch)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.error("could not save the sync token; continuing in memory", metadata: ["error": "\(error)"])
            }
            since = batch.nextBatch
            fullState = false
        }
    }

    func backoff(_ failures: Int, _ error: MatrixError?) -> Duration {
        if let wait = error?.retryAfter { return min(wait, .seconds(120)) }
        return min(initialBackoff * (1 << min(max(failures - 1, 0), 16)), maxBackoff)
    }
}
