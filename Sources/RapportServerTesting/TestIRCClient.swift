import Foundation
import NIOCore
import NIOPosix
public import RapportIRC

/// A raw IRC client that plays a user in integration tests.
public actor TestIRCClient {
    public struct Timeout: Error, CustomStringConvertible {
        public var description: String
    }

    public let nick: String
    private let channel: NIOAsyncChannel<[ByteBuffer], ByteBuffer>
    private var received: [IRCMessage] = []
    /// Where ``waitFor(timeout:_:)`` goes on: the messages before it were matched or passed over.
    private var cursor = 0
    /// How many messages had arrived when the last line was sent: replies to it come after.
    private var sentMark = 0
    private var reader: Task<Void, Never>?

    private init(nick: String, channel: NIOAsyncChannel<[ByteBuffer], ByteBuffer>) {
        self.nick = nick
        self.channel = channel
    }

    /// Connects and registers; with `sasl` logs in with SASL PLAIN first.
    public static func connect(
        port: Int, nick: String, caps: [String] = ["message-tags", "server-time", "account-tag", "batch", "echo-message"],
        sasl: (String, String)? = nil
    ) async throws -> TestIRCClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                    return try NIOAsyncChannel<[ByteBuffer], ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let client = TestIRCClient(nick: nick, channel: channel)
        await client.startReading()
        var wanted = caps
        if sasl != nil { wanted.append("sasl") }
        if !wanted.isEmpty { try await client.send("CAP REQ :\(wanted.joined(separator: " "))") }
        try await client.send("NICK \(nick)")
        try await client.send("USER \(nick) 0 * :\(nick)")
        if !wanted.isEmpty {
            _ = try await client.waitFor { $0.command == "CAP" && ($0.parameter(1) == "ACK" || $0.parameter(1) == "NAK") }
            if let (user, password) = sasl {
                try await client.send("AUTHENTICATE PLAIN")
                _ = try await client.waitFor { $0.command == "AUTHENTICATE" }
                try await client.send("AUTHENTICATE \(Data("\(user)\0\(user)\0\(password)".utf8).base64EncodedString())")
                _ = try await client.waitFor { $0.command == "903" }
            }
            try await client.send("CAP END")
        }
        _ = try await client.waitFor(timeout: 15) { $0.command == "001" }
        return client
    }

    private func startReading() {
        let inbound = channel
        reader = Task {
            do {
                try await inbound.executeThenClose { lines, outbound in
                    for try await read in lines {
                        for line in read {
                            guard let message = try? IRCMessageParser.parse(String(buffer: line)) else { continue }
                            if message.command == "PING" {
                                try await outbound.write(ByteBuffer(string: "PONG :\(message.parameters.last ?? "")\r\n"))
                            }
                            self.append(message)
                        }
                    }
                }
            } catch {}
        }
    }

    private var pendingWrites: [String] = []

    private func append(_ message: IRCMessage) { received.append(message) }

    /// Sends one raw line (CR LF is added).
    public func send(_ line: String) async throws {
        sentMark = received.count
        try await channel.channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
    }

    /// Waits for the next message (after earlier matches) that satisfies `predicate`.
    public func waitFor(timeout: Double = 10, _ predicate: @Sendable (IRCMessage) -> Bool) async throws -> IRCMessage {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            while cursor < received.count {
                let message = received[cursor]
                cursor += 1
                if predicate(message) { return message }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Timeout(description: "\(nick): no matching message in \(timeout) s; last lines:\n"
            + received.suffix(15).map { $0.serialized() }.joined(separator: "\n"))
    }

    /// Where a collection starts: after the last line sent (a reply may arrive before the test
    /// asks for it) and after what ``waitFor(timeout:_:)`` already went through.
    private var collectionStart: Int { max(cursor, sentMark) }

    /// Every message received for `seconds` from ``collectionStart`` on that satisfies `predicate`.
    public func collect(for seconds: Double, _ predicate: @Sendable (IRCMessage) -> Bool) async throws -> [IRCMessage] {
        let start = collectionStart
        try await Task.sleep(for: .seconds(seconds))
        cursor = received.count
        return received[start...].filter(predicate)
    }

    /// Every message from ``collectionStart`` on that satisfies `predicate`, once `count` of them have arrived
    /// (failing after `timeout` seconds), plus any that arrive in the `settle` seconds after:
    /// extras show up as a wrong count instead of being cut off by a fixed window under load.
    public func collect(
        _ count: Int, timeout: Double = 10, settle: Double = 0.5, _ predicate: @Sendable (IRCMessage) -> Bool
    ) async throws -> [IRCMessage] {
        try await collect(until: { $0.count >= count }, timeout: timeout, settle: settle, predicate)
    }

    /// Every message from ``collectionStart`` on that satisfies `predicate`, once the matches so
    /// far satisfy `done` (failing after `timeout` seconds), plus any that arrive in the `settle`
    /// seconds after.
    public func collect(
        until done: @Sendable ([IRCMessage]) -> Bool, timeout: Double = 10, settle: Double = 0.5,
        _ predicate: @Sendable (IRCMessage) -> Bool
    ) async throws -> [IRCMessage] {
        let start = collectionStart
        let deadline = Date().addingTimeInterval(timeout)
        while !done(received[start...].filter(predicate)) {
            guard Date() < deadline else {
                throw Timeout(description: "\(nick): the expected messages did not arrive in \(timeout) s; last lines:\n"
                    + received.suffix(15).map { $0.serialized() }.joined(separator: "\n"))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .seconds(settle))
        cursor = received.count
        return received[start...].filter(predicate)
    }

    /// Messages received so far (all of them).
    public func all() -> [IRCMessage] { received }

    public func close() async {
        try? await send("QUIT :bye")
        try? await channel.channel.close()
        reader?.cancel()
    }
}

extension IRCMessage {
    /// Whether this is a PRIVMSG or NOTICE from `nick` to `target` (case-insensitive).
    public func isText(from nick: String, to target: String? = nil) -> Bool {
        (command == "PRIVMSG" || command == "NOTICE") && sourceNick?.lowercased() == nick.lowercased()
            && (target == nil || parameter(0)?.lowercased() == target?.lowercased())
    }
}
