/// The state of a connector's link to its network, as `/readyz` reports it.
public enum ConnectorStatus: String, Sendable, Hashable {
    /// Registered and able to send.
    case connected
    /// Connecting, registering, or waiting to reconnect.
    case connecting
    /// Not connected and not trying (stopped, or failed for good).
    case disconnected
}
