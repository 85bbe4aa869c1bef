import Dispatch
import Foundation
import Synchronization

/// Start and finish line for the sender threads of the load benchmark.
final class Senders: Sendable {
    let count: Int
    private let readySignal = DispatchSemaphore(value: 0)
    private let go = DispatchSemaphore(value: 0)
    private let doneSignal = DispatchSemaphore(value: 0)
    private let startTime = Mutex<ContinuousClock.Instant?>(nil)
    private let finishedCount = Atomic<Int>(0)
    private let failures = Mutex<[String]>([])

    init(count: Int) { self.count = count }

    /// Runs one sender's `body` on the calling thread and records how it ended.
    func run(_ index: Int, _ body: () throws -> Void) {
        do { try body() } catch { failures.withLock { $0.append("sender \(index + 1): \(error)") } }
        finishedCount.add(1, ordering: .relaxed)
        doneSignal.signal()
    }

    /// Called by a connected sender: waits for ``start()`` and returns the common start time.
    func ready() -> ContinuousClock.Instant {
        readySignal.signal()
        go.wait()
        return startTime.withLock { $0 } ?? .now
    }

    /// Waits until every sender is connected (or one failed).
    func waitUntilReady() throws {
        for _ in 0..<count {
            while readySignal.wait(timeout: .now() + 1) == .timedOut {
                try throwFailures()
            }
        }
    }

    /// Lets every sender go.
    func start() {
        startTime.withLock { $0 = .now }
        for _ in 0..<count { go.signal() }
    }

    /// Whether every sender has finished.
    var finished: Bool { finishedCount.load(ordering: .relaxed) >= count }

    /// Waits until every sender has finished; returns the seconds since ``start()``.
    func waitUntilDone() throws -> Double {
        for _ in 0..<count { doneSignal.wait() }
        try throwFailures()
        return LoadBenchmark.seconds(ContinuousClock.now - (startTime.withLock { $0 } ?? .now))
    }

    private func throwFailures() throws {
        let text = failures.withLock { $0 }.joined(separator: "\n")
        if !text.isEmpty { throw LineSocket.Failure(description: text) }
    }
}
