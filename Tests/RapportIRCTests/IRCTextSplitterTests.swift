import Foundation
import RapportCore
import Testing

@testable import RapportIRC

struct IRCTextSplitterTests {
    @Test func shortTextIsOnePiece() {
        #expect(IRCTextSplitter.split("hello world", budget: 100) == ["hello world"])
    }

    @Test func splitsAtWordBoundaries() {
        let pieces = IRCTextSplitter.split("aaaa bbbb cccc dddd", budget: 10)
        #expect(pieces == ["aaaa bbbb", "cccc dddd"])
    }

    @Test func neverSplitsInsideAUTF8Sequence() {
        let text = String(repeating: "é", count: 300) + String(repeating: "日本", count: 100)
        let pieces = IRCTextSplitter.split(text, budget: 51)
        #expect(pieces.allSatisfy { $0.utf8.count <= 51 })
        #expect(pieces.joined() == text)
        #expect(!pieces.joined().contains("\u{FFFD}"))
    }

    @Test func longWordIsCutByBytes() {
        let pieces = IRCTextSplitter.split(String(repeating: "x", count: 25), budget: 10)
        #expect(pieces == ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"])
    }

    @Test func userTextBecomesSeparateSafeLines() {
        #expect(IRCTextSplitter.lines("one\r\ntwo\nthree\rfour\0five\u{01}") == ["one", "two", "three fourfive"])
        #expect(IRCTextSplitter.lines("\n\n  \n") == [])
    }

    @Test func outgoingLinesFitTheLimitWithPrefixAccounted() throws {
        var session = IRCSessionStateMachine(network: "n", configuration: IRCConfiguration(host: "h", nick: "rapport"), channels: [], now: Date())
        _ = session.receive(try IRCMessageParser.parse(":s 001 rapport :hi"), now: Date())
        let text = (0..<400).map { "word\($0)" }.joined(separator: " ") + " ✓ " + String(repeating: "ü", count: 700)
        let lines = session.lines(for: OutgoingMessage(to: .channel("#rapport"), text: text))
        #expect(lines.count > 3)
        for line in lines {
            let relayed = ":rapport!~rapport0@" + String(repeating: "h", count: 63) + " " + line.serialized() + "\r\n"
            #expect(relayed.utf8.count <= 512)
        }
        #expect(lines.map { $0.parameters[1] }.joined(separator: " ").filter { !$0.isWhitespace }
            == text.filter { !$0.isWhitespace })
    }

    @Test func actionsAndNoticesAreFormatted() throws {
        var config = IRCConfiguration(host: "h")
        config.replyStyle = .notice
        let session = IRCSessionStateMachine(network: "n", configuration: config, channels: [], now: Date())
        #expect(session.lines(for: OutgoingMessage(to: .channel("#c"), text: "waves", style: .action)).map { $0.serialized() }
            == ["PRIVMSG #c :\u{01}ACTION waves\u{01}"])
        #expect(session.lines(for: OutgoingMessage(to: .user(address: "bob"), text: "hi", style: .reply)).map { $0.serialized() }
            == ["NOTICE bob hi"])
        #expect(session.lines(for: OutgoingMessage(to: .channel("#c"), text: "hi", style: .message)).map { $0.serialized() }
            == ["PRIVMSG #c hi"])
    }

    @Test func targetsCannotInjectCommands() {
        let session = IRCSessionStateMachine(network: "n", configuration: IRCConfiguration(host: "h"), channels: [], now: Date())
        let lines = session.lines(for: OutgoingMessage(to: .user(address: "bob,alice\r\nQUIT"), text: "x\r\nQUIT :gone"))
        #expect(lines.map { $0.serialized() } == ["PRIVMSG bobaliceQUIT x", "PRIVMSG bobaliceQUIT :QUIT :gone"])
    }
}
