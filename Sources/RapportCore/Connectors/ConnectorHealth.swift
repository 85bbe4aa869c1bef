public import Foundation

/// How a connector's link to its network is doing, for admins (the dashboard's health and
/// channels pages). What a connector cannot tell stays `nil` or empty.
public struct ConnectorHealth: Sendable, Hashable {
    public var status: ConnectorStatus
    /// When the current connection was established (registered, logged in).
    public var since: Date?
    /// How many times it connected again after the first connection.
    public var reconnects: Int
    /// The round trip of the latest request the connector makes to check its link (IRC: its
    /// keepalive `PING`), `nil` until one was answered or when the connector measures none.
    public var lag: Duration?
    /// Why the last connection attempt or connection failed, if one did.
    public var lastError: String?
    /// The channels it is in now, with how many members each has (`nil` when unknown).
    public var channels: [String: Int?]

    public init(status: ConnectorStatus, since: Date? = nil, reconnects: Int = 0, lag: Duration? = nil, lastError: String? = nil, channels: [String: Int?] = [:]) {
        self.status = status
        self.since = since
        self.reconnects = reconnects
        self.lag = lag
        self.lastError = lastError
        self.channels = channels
    }
}
