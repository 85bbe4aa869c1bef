import Foundation
import RapportCore
import Synchronization

/// Per client address, how much unauthenticated work may reach the store: each sign-in request
/// and each session lookup takes a token before its query (a lookup that finds a live session
/// gives it back, so signed-in admins are never limited). A flood of `/signin/…` requests or of
/// bogus session cookies from one address costs at most ``burst`` queries, then one per
/// ``secondsPerAttempt``, and is answered `429 Too Many Requests`.
///
/// At most ``addresses`` addresses are tracked; while all of them are live, a new address is
/// refused too (a flood from many addresses then limits sign-in, never the store).
final class SignInLimiter: Sendable {
    static let burst = 10.0
    static let secondsPerAttempt = 6.0
    static let addresses = 4096

    private let buckets = Mutex(
        ExpiringTable<String, TokenBucket>(capacity: addresses, lifetime: burst * secondsPerAttempt))

    /// Takes a token for `address`; `false` when it has none left.
    func take(_ address: String, now: Date) -> Bool {
        buckets.withLock { table in
            table.takeToken(for: address, now: now) {
                TokenBucket(capacity: Self.burst, refillPerSecond: 1 / Self.secondsPerAttempt, now: now)
            }
        }
    }

    /// Gives back the token of a request that proved to be an admin's.
    func giveBack(_ address: String, now: Date) {
        buckets.withLock { $0.giveBackToken(for: address, now: now) }
    }
}
