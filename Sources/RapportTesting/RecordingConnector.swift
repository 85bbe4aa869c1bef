public import RapportCore

/// A connector for tests: records what the bot sends and accepts events pushed by the test.
public actor RecordingConnector: Connector {
    public nonisolated let network: String
    public private(set) var sent: [OutgoingMessage] = []
    public private(set) var joined: Set<String> = []
    /// Addresses that ``isOnline(_:)`` reports as online.
    public var online: Set<String> = []
    private let nick: String

    public init(network: String = "test", nick: String = "rapport") {
        self.network = network
        self.nick = nick
    }

    public func run(events: any EventSink) async throws {
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }

    public func send(_ message: OutgoingMessage) async throws { sent.append(message) }

    /// Why ``deliver(_:)`` fails, if it does: a network that refuses what it was given.
    public private(set) var deliveryFailure: (any Error)?

    /// Records `message` as sent unless ``deliveryFailure`` says the network refused it.
    public func deliver(_ message: OutgoingMessage) async throws {
        if let deliveryFailure { throw deliveryFailure }
        sent.append(message)
    }

    public func setDeliveryFailure(_ failure: (any Error)?) { deliveryFailure = failure }
    public func join(_ channel: String) async throws { joined.insert(channel.lowercased()) }
    public func part(_ channel: String, reason: String?) async throws { joined.remove(channel.lowercased()) }
    public func isOnline(_ address: String) async -> Bool? { online.contains(address) }
    public nonisolated func currentNick() -> String { nick }
    public nonisolated func casemapping() -> Casemapping { .rfc1459 }

    /// Removes and returns everything sent so far.
    public func takeSent() -> [OutgoingMessage] {
        defer { sent = [] }
        return sent
    }

    public func setOnline(_ addresses: Set<String>) { online = addresses }

    /// What ``status()`` reports: `.standby` plays a network that another instance serves.
    public private(set) var reportedStatus = ConnectorStatus.connected

    public func status() async -> ConnectorStatus { reportedStatus }

    public func setStatus(_ status: ConnectorStatus) { reportedStatus = status }

    /// What ``isOperator(_:in:)`` reports, by identity and lower-cased channel; `nil` (the
    /// default): it cannot tell, like the console.
    public private(set) var operators: [Identity: Set<String>]?

    public func isOperator(_ identity: Identity, in channel: String) async -> Bool? {
        operators.map { $0[identity, default: []].contains(channel.lowercased()) }
    }

    /// Makes `identity` an operator of `channel` (or takes it away).
    public func setOperator(_ identity: Identity, of channel: String, _ isOperator: Bool) {
        var table = operators ?? [:]
        if isOperator { table[identity, default: []].insert(channel.lowercased()) } else { table[identity]?.remove(channel.lowercased()) }
        operators = table
    }
}
