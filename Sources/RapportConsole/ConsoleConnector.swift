import Foundation
public import RapportCore

/// A local channel in the terminal: each input line is a message from a local user in
/// `#console`, and the bot's answers are printed.
///
/// With piped input it reads every line, waits for the answers to each, and ends at the end of
/// the input, so `printf '!ping\n' | rapport console` prints `<rapport> pong`. A few lines are
/// commands to the console itself:
///
/// ```
/// /nick bob        speak as bob from now on
/// /me waves        an action
/// /msg help        a private message to the bot
/// /join #other     speak in #other from now on
/// /quit            end (as does the end of the input)
/// ```
public actor ConsoleConnector: Connector {
    public nonisolated let network = "console"
    private let lines: AsyncStream<String>
    private let output: @Sendable (String) -> Void
    private let botNick: String
    private var user: String
    private var channel = "#console"
    private var joined: Set<String> = ["#console"]

    /// - Parameters:
    ///   - lines: The input, one message per element.
    ///   - user: Who speaks; their identity is `console:<user>`.
    ///   - output: Where answers go (stdout by default).
    public init(
        lines: AsyncStream<String>, user: String, botNick: String = "rapport",
        output: @escaping @Sendable (String) -> Void = { print($0) }
    ) {
        self.lines = lines
        self.user = user
        self.botNick = botNick
        self.output = output
    }

    /// Lines read from standard input on a thread of their own, so a blocked read never holds
    /// up the concurrency pool.
    public static func standardInputLines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.start()
        return stream
    }

    public func run(events: any EventSink) async throws {
        for await line in lines {
            if Task.isCancelled { break }
            if line.trimmingCharacters(in: .whitespaces) == "/quit" { break }
            guard let (kind, isPrivate) = interpret(line) else { continue }
            let event = ChatEvent(
                network: network, channel: isPrivate ? nil : channel,
                sender: ChatUser(nick: user, identity: .console(user)), id: MessageID(UUID().uuidString), kind: kind)
            await events.receive(event)
            await events.settle()
        }
    }

    /// What a line says and whether privately, or `nil` for console commands handled here.
    private func interpret(_ line: String) -> (ChatEvent.Kind, isPrivate: Bool)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let (word, rest) = Self.split(trimmed)
        switch word {
        case "/nick" where !rest.isEmpty:
            user = rest
            return nil
        case "/join" where rest.hasPrefix("#"):
            channel = rest
            joined.insert(rest.lowercased())
            return nil
        case "/me" where !rest.isEmpty: return (.action(ChatMessage(rest)), false)
        case "/msg" where !rest.isEmpty: return (.message(ChatMessage(rest)), true)
        default: return (.message(ChatMessage(trimmed)), false)
        }
    }

    private static func split(_ text: String) -> (String, String) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (String(text[..<space]), text[space...].trimmingCharacters(in: .whitespaces))
    }

    public func send(_ message: OutgoingMessage) async throws {
        for line in message.text.split(separator: "\n", omittingEmptySubsequences: true) {
            switch (message.target, message.style) {
            case (.channel(let c), .action): output(c == channel ? "* \(botNick) \(line)" : "[\(c)] * \(botNick) \(line)")
            case (.channel(let c), _): output(c == channel ? "<\(botNick)> \(line)" : "[\(c)] <\(botNick)> \(line)")
            case (.user(let address), _): output("*\(botNick)* \(address == user ? "" : "(to \(address)) ")\(line)")
            }
        }
    }

    public func join(_ channel: String) async throws { joined.insert(channel.lowercased()) }
    public func part(_ channel: String, reason: String?) async throws { joined.remove(channel.lowercased()) }
    public func isOnline(_ address: String) async -> Bool? { address == user }
    public nonisolated func currentNick() -> String { botNick }
    public nonisolated func casemapping() -> Casemapping { .ascii }
}
