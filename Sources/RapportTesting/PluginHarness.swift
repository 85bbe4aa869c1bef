public import Foundation
public import RapportCore
import RapportStoreSQLite

/// Runs plugins on a real runtime and store, with a recording network, so plugin tests read like
/// chat transcripts:
///
/// ```swift
/// let chat = try await PluginHarness([PluginRegistration(CorePlugin.self)])
/// #expect(try await chat.say("!ping", as: "alice") == ["pong"])
/// ```
public struct PluginHarness: Sendable {
    public let bot: Bot
    /// The connector of the first network (`test` unless `networks` says otherwise).
    public let connector: RecordingConnector
    /// One recording connector per network, so a test can play one person on IRC and Matrix.
    public let connectors: [RecordingConnector]
    public let store: any Store

    /// - Parameters:
    ///   - store: Defaults to a fresh in-memory SQLite store; pass one to test persistence.
    ///   - metrics: Where the runtime's metrics go (a Prometheus registry in metrics tests).
    ///   - networks: The names of the recording networks; the first is ``connector``.
    public init(
        _ plugins: [PluginRegistration], configuration: BotConfiguration = BotConfiguration(),
        store: (any Store)? = nil, time: any TimeSource = SystemTime(), metrics: RapportMetrics = RapportMetrics(),
        networks: [String] = ["test"]
    ) async throws {
        self.store = try store ?? SQLiteStore()
        connectors = networks.map { RecordingConnector(network: $0) }
        connector = connectors.first ?? RecordingConnector()
        let descriptors = plugins.map(\.descriptor)
        bot = Bot(
            configuration: try configuration.validated(against: descriptors), store: self.store, plugins: plugins,
            connectors: connectors, time: time, metrics: metrics)
        try await bot.start()
    }

    /// A chat user on the test network; `account` makes them identified (`irc:test:<account>`).
    public static func user(_ nick: String, account: String? = nil) -> ChatUser {
        ChatUser(nick: nick, identity: account.map { Identity.irc(network: "test", account: $0) })
    }

    /// Says `text` as `nick` in `channel` (`nil` for a direct message to the bot) and returns
    /// the texts of every message the bot sent in answer. `identity` (any kind) wins over `account`.
    @discardableResult
    public func say(
        _ text: String, as nick: String, account: String? = nil, identity: Identity? = nil, on network: String = "test",
        in channel: String? = "#test", operator: Bool = false, id: MessageID? = nil, replyTo: MessageID? = nil, at time: Date = Date()
    ) async throws -> [String] {
        let sender = identity.map { ChatUser(nick: nick, identity: $0) } ?? Self.user(nick, account: account)
        return try await send(
            ChatEvent(
                network: network, channel: channel, sender: sender, time: time, id: id,
                kind: .message(ChatMessage(text, replyTo: replyTo)), senderIsOperator: `operator`))
        .map(\.text)
    }

    /// `nick` joins `channel`.
    public func join(_ nick: String, account: String? = nil, channel: String = "#test", at time: Date = Date()) async throws {
        _ = try await send(ChatEvent(network: "test", channel: channel, sender: Self.user(nick, account: account), time: time, kind: .join))
    }

    /// Delivers any event and returns the messages the bot sent in answer, on every network.
    public func send(_ event: ChatEvent) async throws -> [OutgoingMessage] {
        await bot.receive(event)
        await bot.settle()
        return await takeSent()
    }

    private func takeSent() async -> [OutgoingMessage] {
        var sent: [OutgoingMessage] = []
        for connector in connectors { sent += await connector.takeSent() }
        return sent
    }

    /// Moves virtual time forward, lets every scheduled job that fell due run, and returns what
    /// the bot sent meanwhile.
    @discardableResult
    public func advance(_ time: ManualTime, by duration: Duration) async throws -> [OutgoingMessage] {
        try await bot.advance(time, by: duration)
        return await takeSent()
    }

    /// Stops the plugins (as a shutdown would).
    public func stop() async { await bot.stop() }
}
