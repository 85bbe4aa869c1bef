public import RapportCore
public import ServiceLifecycle
import Synchronization

/// The store's health as `/readyz` reports it: checked in the background every ``interval``, so
/// a flood of `/readyz` requests costs the database nothing.
///
/// Until the first check ends, the store counts as not ready (`checking`). A check that does
/// not answer within ``interval`` fails (`timeout`).
public final class StoreHealth: Service, Sendable {
    let store: any Store
    public let interval: Duration
    private let latest = Mutex(ReadinessCheck(name: "store", ok: false, detail: "checking"))

    public init(store: any Store, interval: Duration = .seconds(5)) {
        self.store = store
        self.interval = interval
    }

    /// The outcome of the last check.
    public var current: ReadinessCheck { latest.withLock { $0 } }

    /// Checks once now; a ping still running after ``interval`` is left to the store's own
    /// statement timeout, and the check fails at once.
    public func check() async {
        let (outcomes, outcome) = AsyncStream.makeStream(of: ReadinessCheck.self)
        let store = self.store
        let ping = Task {
            do {
                try await store.ping()
                outcome.yield(ReadinessCheck(name: "store", ok: true, detail: "reachable"))
            } catch let error as StoreError {
                outcome.yield(ReadinessCheck(name: "store", ok: false, detail: "\(error.code)"))
            } catch {
                outcome.yield(ReadinessCheck(name: "store", ok: false, detail: "unreachable"))
            }
        }
        let timer = Task {
            try await Task.sleep(for: interval)
            outcome.yield(ReadinessCheck(name: "store", ok: false, detail: "timeout"))
        }
        var first = outcomes.makeAsyncIterator()
        let check = await first.next() ?? ReadinessCheck(name: "store", ok: false, detail: "timeout")
        outcome.finish()
        ping.cancel()
        timer.cancel()
        latest.withLock { $0 = check }
    }

    /// Checks every ``interval`` until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.check()
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}
