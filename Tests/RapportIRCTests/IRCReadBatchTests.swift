import Foundation
import Logging
import NIOCore
import RapportCore
import RapportIRC
import RapportServerTesting
import Testing

/// Lines are handed on per read: the decoder frames every complete line of a read together,
/// and the connector gives the runtime the events of a read in one call.
@Suite(.timeLimit(.minutes(5)))
struct IRCReadBatchTests {
    @Test func completeLinesOfOneReadComeOutTogetherInOrderAndAPartialLineWaits() {
        var decoder = IRCLineDecoder()
        var buffer = ByteBuffer(string: "PING :a\r\n:s 001 me :Hi\n:s 002 me :par")
        #expect(decoder.completeLines(&buffer).map { String(buffer: $0) } == ["PING :a", ":s 001 me :Hi"])
        #expect(decoder.completeLines(&buffer).isEmpty)
        buffer.writeString("tial\r\n:s 003 me :x\r\n")
        #expect(decoder.completeLines(&buffer).map { String(buffer: $0) } == [":s 002 me :partial", ":s 003 me :x"])
        #expect(buffer.readableBytes == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func messagesTheServerSendsInOnePieceReachTheRuntimeInFewCallsAndInOrder() async throws {
        try await withIRCServer(.inspircd) { server in
            let config = IRCIntegrationTests.config(server, nick: "rapport")
            let connector = IRCConnector(network: "batch", configuration: config, logger: Logger(label: "test"))
            let sink = RecordingSink()
            let run = Task { try await connector.run(events: sink) }
            defer { run.cancel() }
            try await eventually("bot joined #rapport") { await connector.joinedChannels() == ["#rapport"] }
            let alice = try await TestIRCClient.connect(port: server.port, nick: "alice")
            try await alice.send("JOIN #rapport")
            _ = try await alice.waitFor { $0.command == "366" }
            let texts = (1...40).map { "line \($0)" }
            // One write: the server relays the lines to the bot together.
            try await alice.send(texts.map { "PRIVMSG #rapport :\($0)" }.joined(separator: "\r\n"))
            let received = try await sink.wait("40 messages") { $0.count { $0.loadLine != nil } == 40 }
            #expect(received.compactMap(\.loadLine) == texts)
            let calls = sink.batches.filter { $0.contains { $0.loadLine != nil } }
            #expect(calls.count < texts.count, "\(calls.map(\.count))")
            await alice.close()
        }
    }
}

extension ChatEvent {
    /// The text of a message saying "line N", else `nil`.
    fileprivate var loadLine: String? {
        guard case .message(let message) = kind, message.text.hasPrefix("line ") else { return nil }
        return message.text
    }
}
