import Foundation
public import Logging

/// Keeps this instance's leases alive: every ``renewEvery`` it takes or renews each wanted
/// lease of a ``LeaseTable``, and tells which it owns.
///
/// An instance acts on a name (connects to a network, sends a nudge) only while
/// ``owns(_:)`` is true: until its last renewal's expiry minus ``margin``, so a stalled
/// instance stops acting before another can take over. On a graceful stop it releases its
/// leases, so others take over at once; after a crash they expire after the table's `ttl`.
///
/// Takeover bound after a crash: `ttl + renewEvery` (expiry is judged by the database's clock).
public actor LeaseKeeper {
    public nonisolated let table: LeaseTable
    public let names: [String]
    public let renewEvery: Duration
    public let margin: Duration
    private var grants: [String: LeaseTable.Grant] = [:]
    private var crashed = false
    private let logger: Logger

    public init(table: LeaseTable, names: [String], renewEvery: Duration? = nil, margin: Duration? = nil,
                logger: Logger = Logger(label: "rapport.leases")) {
        self.table = table
        self.names = names
        self.renewEvery = renewEvery ?? table.ttl / 3
        self.margin = margin ?? table.ttl / 5
        self.logger = logger
    }

    /// Whether this instance may act on `name` now.
    public func owns(_ name: String) -> Bool {
        guard let grant = grants[name] else { return false }
        return table.time.now < grant.validUntil.addingTimeInterval(-margin.timeInterval)
    }

    /// The names this instance may act on now.
    public func owned() -> Set<String> { Set(names.filter { owns($0) }) }

    /// Renews until the task is cancelled, then releases every lease held.
    ///
    /// - Parameter onChange: Called with the owned set whenever it changes.
    public func run(onChange: @escaping @Sendable (Set<String>) async -> Void = { _ in }) async {
        var last = Set<String>()
        while !Task.isCancelled && !crashed {
            await renewOnce()
            let now = owned()
            if now != last {
                let generations = now.sorted().map { "\($0)#\(grants[$0]?.generation ?? 0)" }
                logger.info("leases changed", metadata: ["owned": "\(generations)", "holder": "\(table.holder)"])
                last = now
                await onChange(now)
            }
            do { try await table.time.sleep(for: renewEvery) } catch { break }
        }
        if crashed { return }
        // The task is cancelled: release from a fresh task, which the store's calls will not see cancelled.
        let held = Array(grants.keys)
        let table = self.table
        await Task { for name in held { try? await table.release(name) } }.value
        grants = [:]
        await onChange([])
    }

    /// One round of takes and renewals; a store error keeps the old grants (they expire on their own).
    public func renewOnce() async {
        for name in names where !crashed {
            do {
                let grant = try await table.acquire(name)
                // A crash simulated while the store answered must not bring a grant back.
                if crashed { return }
                grants[name] = grant
            } catch {
                logger.warning("lease renewal failed", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Stops renewing and forgets its grants without releasing them, as `kill -9` would (tests).
    public func abandon() {
        crashed = true
        grants = [:]
    }
}
