/// The state of a connector's link to its network, as `/readyz` reports it.
public enum ConnectorStatus: String, Sendable, Hashable {
    /// Registered and able to send.
    case connected
    /// Connecting, registering, or waiting to reconnect.
    case connecting
    /// Not connected and not trying (stopped, or failed for good).
    case disconnected
    /// Not connected because another instance sharing the store serves this network.
    case standby
    /// Stopped by an error that retrying cannot fix (a refused login); the log says which.
    case failed

    /// Whether `/readyz` counts this state as ready: connected, or waiting to take over from
    /// another instance.
    public var isReady: Bool { self == .connected || self == .standby }
}
