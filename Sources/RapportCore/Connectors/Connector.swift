/// A live connection to one chat network: IRC, Matrix or the console.
///
/// The runtime calls ``run(events:)`` once, in its own task, and cancels that task to stop the
/// connector. Everything else may be called concurrently from any task.
///
/// ## Conforming
/// A connector owns reconnection: ``run(events:)`` returns only when cancelled (then it says
/// goodbye to the network, e.g. `QUIT`) or on a configuration error that retrying cannot fix.
/// Text in ``OutgoingMessage`` comes from users: a connector must make sure it can never become
/// a second protocol command (strip CR, LF and NUL).
public protocol Connector: Sendable {
    /// The configured network name that tags every event from this connector.
    var network: String { get }

    /// Connects and passes every event to `events`, in the order the network delivered them,
    /// until the calling task is cancelled or the connection has ended for good (the console's
    /// input reached its end).
    ///
    /// - Throws: Only for failures that retrying cannot fix, such as a rejected configuration.
    func run(events: any EventSink) async throws

    /// Queues `message` for delivery; while disconnected it waits in the queue.
    ///
    /// Returns once the message is queued, never waiting for the network to take it: plugins
    /// send while the runtime waits for them (``EventSink/handled()``), and a slow server must
    /// not hold up what the connector reads.
    ///
    /// - Throws: When the connector cannot queue it (its queue is full, another instance serves
    ///   the network).
    func send(_ message: OutgoingMessage) async throws

    /// Sends `message` like ``send(_:)``, then waits until the network took it.
    ///
    /// The default returns once ``send(_:)`` did, which is right for a connector whose queue is
    /// the last step it can watch (IRC's flood-controlled writer, the console). Matrix waits for
    /// the homeserver's answer. The runtime calls it outside the plugins' queues
    /// (``PluginContext/send(_:on:outcome:)``).
    ///
    /// - Throws: Why the message did not go out (the homeserver refused it, the connector stopped).
    func deliver(_ message: OutgoingMessage) async throws

    /// Joins a channel or room, and keeps it joined across reconnects.
    func join(_ channel: String) async throws

    /// Leaves a channel or room and forgets it.
    func part(_ channel: String, reason: String?) async throws

    /// Whether the user with this DM address is online right now, or `nil` when the network
    /// cannot tell (Matrix without presence).
    func isOnline(_ address: String) async -> Bool?

    /// The bot's own current nick on this network.
    ///
    /// Not `async`: the runtime asks for every message, so an actor keeps it readable without a
    /// hop (a `nonisolated` method over a `Mutex` or a constant).
    func currentNick() -> String

    /// How this network compares nicks and channel names (not `async`, like ``currentNick()``).
    func casemapping() -> Casemapping

    /// Whether the connection is up right now, for `/readyz`.
    ///
    /// The default answers ``ConnectorStatus/connected``, which is right for a connector without
    /// a connection (the console); a network connector reports its real state.
    func status() async -> ConnectorStatus
    /// The link's state with what the connector knows of it: since when, reconnects, the last
    /// error, the channels it is in. The default reports ``status()`` alone.
    func health() async -> ConnectorHealth
    /// Whether the person with `identity` holds operator status in `channel` right now, or
    /// `nil` when the connector cannot tell. The default cannot tell.
    func isOperator(_ identity: Identity, in channel: String) async -> Bool?
}

extension Connector {
    public func status() async -> ConnectorStatus { .connected }

    public func deliver(_ message: OutgoingMessage) async throws { try await send(message) }

    public func health() async -> ConnectorHealth { ConnectorHealth(status: await status()) }

    public func isOperator(_ identity: Identity, in channel: String) async -> Bool? { nil }
}
