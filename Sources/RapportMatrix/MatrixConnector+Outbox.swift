import Logging
import RapportCore

/// Every message the connector sends waits in a bounded queue for a task of its own, which
/// sends them in order: ``MatrixConnector/send(_:)`` returns once the message is queued, so
/// neither the `/sync` loop nor a plugin it waits for (``EventSink/handled()``) waits for the
/// homeserver to take it (retries, 429 waits, a slow or unreachable server).
extension MatrixConnector {
    /// A queued message, and who waits for its delivery (``deliver(_:)``).
    struct Queued: Sendable {
        var message: OutgoingMessage
        var waiter: CheckedContinuation<Void, any Error>?
    }

    /// Queues a message for the sender task.
    ///
    /// - Throws: ``MatrixError/Code/queueFull`` when ``outboxCapacity`` messages wait already
    ///   (counted in `rapport_outgoing_dropped_total` and logged).
    func queue(_ message: OutgoingMessage, waiter: CheckedContinuation<Void, any Error>? = nil) throws {
        guard outbox.count < Self.outboxCapacity else {
            outboxDropped += 1
            metrics.outgoingDropped(network: network)
            if outboxDropped == 1 || outboxDropped % 100 == 0 {
                logger.warning("outgoing queue full, refusing messages", metadata: ["refused": "\(outboxDropped)"])
            }
            throw MatrixError(
                .queueFull, "\(Self.outboxCapacity) messages are waiting for the homeserver already; this one was not sent")
        }
        outbox.append(Queued(message: message, waiter: waiter))
        outboxWake?.resume()
        outboxWake = nil
    }

    /// Sends the queued messages in order until cancelled, telling each waiter how it went;
    /// then fails the waiters of what is left.
    func serveOutbox() async {
        while !Task.isCancelled {
            guard !outbox.isEmpty else {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        if Task.isCancelled || !outbox.isEmpty { return continuation.resume() }
                        outboxWake = continuation
                    }
                } onCancel: {
                    Task { await self.wakeOutbox() }
                }
                continue
            }
            let queued = outbox.removeFirst()
            do {
                try await post(queued.message)
                queued.waiter?.resume()
            } catch {
                logger.error("could not send a queued message", metadata: ["error": "\(error)"])
                queued.waiter?.resume(throwing: error)
            }
        }
        guard !outbox.isEmpty else { return }
        logger.notice("stopping with messages not sent", metadata: ["count": "\(outbox.count)"])
        for queued in outbox { queued.waiter?.resume(throwing: CancellationError()) }
        outbox.removeAll()
    }

    private func wakeOutbox() {
        outboxWake?.resume()
        outboxWake = nil
    }
}
