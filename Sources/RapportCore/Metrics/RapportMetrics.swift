public import CoreMetrics

/// The bot's metrics, by name, through swift-metrics (exported by `/metrics` in Prometheus form).
///
/// Every metric Rapport reports is declared here, so the list is one page long:
///
/// | metric | kind | labels | counted by |
/// |---|---|---|---|
/// | `rapport_messages_received_total` | counter | `network` | ``Bot`` for each chat message event |
/// | `rapport_messages_sent_total` | counter | `network` | ``Bot`` for each message handed to a connector |
/// | `rapport_command_duration_seconds` | histogram | `plugin`, `command` | the plugin runner, per command run |
/// | `rapport_plugin_errors_total` | counter | `plugin`, `kind` (command, event, job) | the plugin runner |
/// | `rapport_plugin_queue_depth` | gauge | `plugin` | the plugin runner: work queued or running |
/// | `rapport_plugin_events_dropped_total` | counter | `plugin` | the plugin runner, when its queue is full |
/// | `rapport_reconnects_total` | counter | `network` | connectors, each time they connect again |
/// | `rapport_connector_failures_total` | counter | `network` | ``Bot``, when a connector stops for good |
/// | `rapport_outgoing_queue_depth` | gauge | `network` | connectors: messages waiting for flood control |
/// | `rapport_outgoing_dropped_total` | counter | `network` | connectors, when their outgoing queue is full |
/// | `rapport_help_events_total` | counter | `network` | `plugins/thanks`, per detected help event |
/// | `rapport_nudges_total` | counter | `outcome` (sent, suppressed) | the nudge feature |
/// | `rapport_store_timeouts_total` | counter | `kind` (statement, lock, idle_transaction) | the PostgreSQL store, per statement a limit ended |
///
/// The last four are counted by the features that own them. A plugin reaches the bot's metrics
/// through `PluginContext.metrics`; code without a handle (a connector) uses `RapportMetrics()`:
/// the app points the process-wide swift-metrics factory at the same Prometheus registry when
/// `http:` is set.
/// ``preregister(networks:)`` creates every series at zero so dashboards see them from the start.
public struct RapportMetrics: Sendable {
    /// Where the metrics go; tests pass their own, the application a Prometheus factory.
    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Metrics that go nowhere.
    public static var disabled: RapportMetrics { RapportMetrics(factory: NOOPMetricsHandler.instance) }

    /// The received-messages counter of `network`: ``Bot`` keeps it, as it counts every message.
    public func messagesReceived(network: String) -> Counter {
        Counter(label: "rapport_messages_received_total", dimensions: [("network", network)], factory: factory)
    }

    public func messageSent(network: String) {
        Counter(label: "rapport_messages_sent_total", dimensions: [("network", network)], factory: factory).increment()
    }

    public func commandFinished(plugin: String, command: String, after duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Timer(label: "rapport_command_duration_seconds", dimensions: [("plugin", plugin), ("command", command)], factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// `kind` is `command`, `event` or `job`.
    public func pluginError(plugin: String, kind: String) {
        Counter(label: "rapport_plugin_errors_total", dimensions: [("plugin", plugin), ("kind", kind)], factory: factory).increment()
    }

    /// The queue-depth gauge of `plugin`: its runner keeps it, as it records every change.
    public func pluginQueueDepth(plugin: String) -> Gauge {
        Gauge(label: "rapport_plugin_queue_depth", dimensions: [("plugin", plugin)], factory: factory)
    }

    public func pluginEventsDropped(plugin: String, count: Int) {
        Counter(label: "rapport_plugin_events_dropped_total", dimensions: [("plugin", plugin)], factory: factory).increment(by: count)
    }

    /// For connectors: call on every successful connection after the first.
    public func reconnected(network: String) {
        Counter(label: "rapport_reconnects_total", dimensions: [("network", network)], factory: factory).increment()
    }

    /// A connector stopped by an error retrying cannot fix; the other networks go on.
    public func connectorFailed(network: String) {
        Counter(label: "rapport_connector_failures_total", dimensions: [("network", network)], factory: factory).increment()
    }

    /// For connectors: messages waiting in the outgoing (flood-control) queue.
    public func outgoingQueueDepth(network: String, _ depth: Int) {
        Gauge(label: "rapport_outgoing_queue_depth", dimensions: [("network", network)], factory: factory).record(depth)
    }

    /// For connectors: outgoing lines or messages dropped because their queue was full.
    public func outgoingDropped(network: String, count: Int = 1) {
        Counter(label: "rapport_outgoing_dropped_total", dimensions: [("network", network)], factory: factory).increment(by: count)
    }

    /// For the reciprocity feature: one detected act of help.
    public func helpEvent(network: String) {
        Counter(label: "rapport_help_events_total", dimensions: [("network", network)], factory: factory).increment()
    }

    /// Whether a nudge went out or was held back (rate limit, opt-out, another instance sent it).
    public enum NudgeOutcome: String, Sendable { case sent, suppressed }

    /// For the nudge feature: one nudge decided.
    public func nudge(_ outcome: NudgeOutcome) {
        Counter(label: "rapport_nudges_total", dimensions: [("outcome", outcome.rawValue)], factory: factory).increment()
    }

    /// Which limit of a store session ended a statement.
    public enum StoreTimeout: String, Sendable, CaseIterable { case statement, lock, idleTransaction = "idle_transaction" }

    /// For the store: a statement ended by a timeout of its session.
    public func storeTimeout(_ kind: StoreTimeout) {
        Counter(label: "rapport_store_timeouts_total", dimensions: [("kind", kind.rawValue)], factory: factory).increment()
    }

    /// Creates every per-network and global series at zero, without counting anything.
    public func preregister(networks: [String]) {
        for network in networks {
            for label in [
                "rapport_messages_received_total", "rapport_messages_sent_total", "rapport_reconnects_total",
                "rapport_help_events_total", "rapport_connector_failures_total", "rapport_outgoing_dropped_total",
            ] {
                _ = Counter(label: label, dimensions: [("network", network)], factory: factory)
            }
        }
        for outcome in [NudgeOutcome.sent, .suppressed] {
            _ = Counter(label: "rapport_nudges_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        for kind in StoreTimeout.allCases {
            _ = Counter(label: "rapport_store_timeouts_total", dimensions: [("kind", kind.rawValue)], factory: factory)
        }
    }
}
