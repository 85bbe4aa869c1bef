public import RapportCore

/// How a ``PostgresStore`` bounds its connections and every wait on them; `storage.postgres_limits`
/// in the configuration file.
///
/// - `pool_size` (int, 10, 1…100): the most connections the store opens.
/// - `connect_timeout_seconds` (number, 10): how long opening a connection may take.
/// - `statement_timeout_seconds` (number, 300): the longest a statement may run.
/// - `lock_timeout_seconds` (number, 120): the longest a statement may wait for a lock.
/// - `idle_in_transaction_timeout_seconds` (number, 300): the longest a transaction may sit idle
///   (an instance paused inside one): the server then ends its session and frees its locks.
/// - `keepalive_seconds` (number, 30): how long a connection may be silent before it is probed:
///   the server sends TCP keepalives (three, a third of this apart; a dead instance's session ends
///   about twice this after it went silent), and the pool runs `SELECT 1` on an idle connection.
///
/// A statement past a timeout fails with an error, which is logged and counted
/// (`rapport_store_timeouts_total`); the defaults are generous, so large migrations pass: what
/// they bound is a hang, not ordinary work.
public struct PostgresLimits: Codable, Sendable, Equatable {
    public var poolSize = 10
    public var connectTimeout = Duration.seconds(10)
    public var statementTimeout = Duration.seconds(300)
    public var lockTimeout = Duration.seconds(120)
    public var idleInTransactionTimeout = Duration.seconds(300)
    public var keepalive = Duration.seconds(30)

    /// The range `pool_size` must lie in.
    public static let poolRange = 1...100

    public init() {}

    enum CodingKeys: String, CodingKey {
        case poolSize = "pool_size", connectTimeout = "connect_timeout_seconds", statementTimeout = "statement_timeout_seconds"
        case lockTimeout = "lock_timeout_seconds", idleInTransactionTimeout = "idle_in_transaction_timeout_seconds"
        case keepalive = "keepalive_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        poolSize = try c.decodeIfPresent(Int.self, forKey: .poolSize) ?? poolSize
        guard Self.poolRange.contains(poolSize) else {
            throw DecodingError.dataCorruptedError(
                forKey: .poolSize, in: c,
                debugDescription: "expected between \(Self.poolRange.lowerBound) and \(Self.poolRange.upperBound) connections, not \(poolSize).")
        }
        func duration(_ key: CodingKeys, _ fallback: Duration) throws -> Duration {
            .seconds(try c.decodePositive(key, default: fallback.timeInterval))
        }
        connectTimeout = try duration(.connectTimeout, connectTimeout)
        statementTimeout = try duration(.statementTimeout, statementTimeout)
        lockTimeout = try duration(.lockTimeout, lockTimeout)
        idleInTransactionTimeout = try duration(.idleInTransactionTimeout, idleInTransactionTimeout)
        keepalive = try duration(.keepalive, keepalive)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(poolSize, forKey: .poolSize)
        for (key, value) in [
            (CodingKeys.connectTimeout, connectTimeout), (.statementTimeout, statementTimeout), (.lockTimeout, lockTimeout),
            (.idleInTransactionTimeout, idleInTransactionTimeout), (.keepalive, keepalive),
        ] {
            try c.encode(value.timeInterval, forKey: key)
        }
    }

    /// Sent when each connection starts (server settings of its session).
    var sessionSettings: [(String, String)] {
        func milliseconds(_ duration: Duration) -> String { "\(max(1, Int((duration.timeInterval * 1000).rounded())))ms" }
        let idle = max(1, Int(keepalive.timeInterval.rounded()))
        return [
            ("statement_timeout", milliseconds(statementTimeout)), ("lock_timeout", milliseconds(lockTimeout)),
            ("idle_in_transaction_session_timeout", milliseconds(idleInTransactionTimeout)),
            ("tcp_keepalives_idle", "\(idle)"), ("tcp_keepalives_interval", "\(max(1, idle / 3))"), ("tcp_keepalives_count", "3"),
        ]
    }
}
