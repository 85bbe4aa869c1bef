import Foundation
public import Logging

/// Keeps this instance's leases alive: every ``renewEvery`` it takes or renews its share of the
/// wanted leases of a ``LeaseTable`` (all of them when alone, see ``renewOnce()``), and tells
/// which it owns.
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
        let held = Array(grants.keys) + [table.presenceName]
        let table = self.table
        await Task { for name in held { try? await table.release(name) } }.value
        grants = [:]
        await onChange([])
    }

    /// One round of takes and renewals; a store error keeps the old grants (they expire on their own).
    ///
    /// The names are shared out: with `n` live instances (each keeps a presence lease,
    /// ``LeaseTable/presenceName``), this one holds at most `ceil(names / n)` of them, and all of
    /// them when alone. It renews what it holds first, takes free names up to its share, and
    /// releases what is over it (another instance joined), so the others can take those.
    public func renewOnce() async {
        let live = await liveInstances()
        let share = (names.count + live - 1) / live
        var held = 0
        for name in names.filter({ owns($0) }) + names.filter({ !owns($0) }) where !crashed {
            if held >= share {
                guard grants[name] != nil else { continue }
                grants[name] = nil
                do { try await table.release(name) } catch {
                    logger.warning("lease release failed", metadata: ["lease": "\(name)", "error": "\(error)"])
                }
                continue
            }
            do {
                let grant = try await table.acquire(name)
                // A crash simulated while the store answered must not bring a grant back.
                if crashed { return }
                grants[name] = grant
            } catch {
                logger.warning("lease renewal failed", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
            if owns(name) { held += 1 }
        }
    }

    /// Renews this instance's presence; returns how many instances are present (1 when the store
    /// does not answer: then nothing can be taken anyway).
    private func liveInstances() async -> Int {
        do {
            _ = try await table.acquire(table.presenceName)
            return max(1, try await table.liveInstances())
        } catch {
            return 1
        }
    }

    /// Stops renewing and forgets its grants without releasing them, as `kill -9` would (tests).
    public func abandon() {
        crashed = true
        grants = [:]
    }
}
