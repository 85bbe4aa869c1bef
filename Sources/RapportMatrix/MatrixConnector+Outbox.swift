import Logging
import RapportCore

/// Messages sent while a `/sync` batch is processed wait in a bounded queue for a task of their
/// own (see ``MatrixConnector/processingSync``).
extension MatrixConnector {
    /// Queues a message for the sender task; a full outbox drops its oldest, counted and logged.
    func queue(_ message: OutgoingMessage) {
        if outbox.count >= Self.outboxCapacity {
            outbox.removeFirst()
            outboxDropped += 1
            metrics.outgoingDropped(network: network)
            if outboxDropped == 1 || outboxDropped % 100 == 0 {
                logger.warning("outgoing queue full, dropping the oldest messages", metadata: ["dropped": "\(outboxDropped)"])
            }
        }
        outbox.append(message)
        outboxWake?.resume()
        outboxWake = nil
    }

    /// Sends the queued messages in order until cancelled.
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
            let message = outbox.removeFirst()
            do {
                try await deliver(message)
            } catch {
                logger.error("could not send a queued message", metadata: ["error": "\(error)"])
            }
        }
    }

    private func wakeOutbox() {
        outboxWake?.resume()
        outboxWake = nil
    }
}
