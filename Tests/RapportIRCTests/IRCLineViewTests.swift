import Foundation
import NIOCore
import Testing

@testable import RapportIRC

/// The borrowed view must read every line exactly as the full parser does: the same lines
/// accepted (and rejected for the same reason), and field by field the same strings.
struct IRCLineViewTests {
    /// Parses `line` both ways and records any difference between the view's fields and the
    /// message's.
    static func expectViewAgrees(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let described = String(decoding: line.prefix(200), as: UTF8.self).debugDescription
        let parsed = line.withUnsafeBufferPointer { IRCMessageParser.result($0) }
        switch (IRCLineView.parse(ByteBuffer(bytes: line)), parsed) {
        case (.failure(let viewError), .failure(let error)):
            #expect(viewError == error, "\(described)", sourceLocation: sourceLocation)
        case (.success(let view), .success(let message)):
            #expect(IRCMessage(view) == message, "\(described)", sourceLocation: sourceLocation)
            #expect(view.command == message.command, "\(described)", sourceLocation: sourceLocation)
            #expect(view.source == message.source, "\(described)", sourceLocation: sourceLocation)
            #expect(view.sourceNick == message.sourceNick, "\(described)", sourceLocation: sourceLocation)
            #expect(view.sourceIsUser == message.sourceIsUser, "\(described)", sourceLocation: sourceLocation)
            #expect(view.userNick == message.userNick, "\(described)", sourceLocation: sourceLocation)
            #expect(view.targetAndText.map { [$0.target, $0.text] } == message.targetAndText.map { [$0.target, $0.text] }, "\(described)", sourceLocation: sourceLocation)
            for index in 0...message.parameters.count {
                #expect(view.parameter(index) == message.parameter(index), "\(described) parameter \(index)", sourceLocation: sourceLocation)
            }
            // The view compares keys byte for byte; a key the parser repaired (U+FFFD) has other bytes.
            for tag in message.tags where !tag.key.contains("\u{FFFD}") {
                #expect(view.tag(tag.key) == tag.value, "\(described) tag \(tag.key)", sourceLocation: sourceLocation)
            }
            #expect(view.tag("absent-key") == message.tag("absent-key"), "\(described)", sourceLocation: sourceLocation)
            #expect(view.textTags == message.textTags, "\(described)", sourceLocation: sourceLocation)
        default:
            Issue.record("view and parser disagree on accepting \(described)", sourceLocation: sourceLocation)
        }
    }

    @Test func agreesWithTheParserOnTheIrcdocsVectors() {
        for vector in IRCMessageParserTests.vectors { Self.expectViewAgrees(Array(vector.input.utf8)) }
    }

    @Test func agreesWithTheParserOnMalformedLines() {
        for line in ["", "   ", "@a=b", ":source", "@a=b :src", ":src 12 x", "PRIV-MSG x", "A\0B", "@ ", ": PRIVMSG #c :x"] {
            Self.expectViewAgrees(Array(line.utf8))
        }
    }

    @Test func agreesWithTheParserOnFieldsOfEveryLengthAtEveryOffset() {
        for line in IRCParserFuzzTests.everyFieldLengthAtEveryOffset { Self.expectViewAgrees(line) }
    }

    @Test func findsTagsBeyondTheStoredOnesAndKeepsTheLastOfARepeatedKey() throws {
        let tags = (0..<12).map { "k\($0)=v\\s\($0)" }.joined(separator: ";") + ";k3=again;;=x;k11;k0=last"
        let line = "@\(tags) :nick!u@h PRIVMSG #c :hi"
        Self.expectViewAgrees(Array(line.utf8))
        let view = try IRCLineView.parse(ByteBuffer(string: line)).get()
        #expect(view.tag("k0") == "last")
        #expect(view.tag("k3") == "again")
        #expect(view.tag("k10") == "v 10")
        #expect(view.tag("k11") == "")
        #expect(view.tag("k12") == nil)
        #expect(IRCMessage(view).tags.count == 12)
    }

    @Test func agreesWithTheParserOnTagSectionsAtAndBeyondTheLimit() {
        for length in [8189, 8190, 8191, 70_000] {
            let line = "@a=" + String(repeating: "v", count: length - 5) + " PING x"
            Self.expectViewAgrees(Array(line.utf8))
        }
        Self.expectViewAgrees(Array((String(repeating: " ", count: 70_000) + "@a=b;c=d :n!u@h PRIVMSG #c :x").utf8))
    }

    /// Random lines over a grammar-heavy alphabet, and seed lines with random mutations (the fuzz
    /// test's), both ways: the view never traps and never disagrees.
    @Test(.timeLimit(.minutes(2)))
    func agreesWithTheParserOnRandomAndMutatedLines() {
        var random = IRCParserFuzzTests.Random(state: 0x5DEE_CE66_D1CE_4E5B)
        let alphabet = Array("ab=;\\: @#!.".utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0x00, 0x0D]
        for _ in 0..<20_000 { Self.expectViewAgrees(random.grammarLine(alphabet)) }
        let specials = IRCParserFuzzTests.specials
        for _ in 0..<50_000 {
            var line = IRCParserFuzzTests.seeds[random.below(IRCParserFuzzTests.seeds.count)]
            for _ in 0..<(1 + random.below(6)) where !line.isEmpty {
                let at = random.below(line.count)
                switch random.below(3) {
                case 0: line[at] = specials[random.below(specials.count)]
                case 1: line.insert(specials[random.below(specials.count)], at: at)
                default: line.remove(at: at)
                }
            }
            Self.expectViewAgrees(line)
        }
    }

    /// Channel and private messages take the view's path through the session; every other line
    /// the full message's. Both must produce the same actions for the same line.
    @Test(arguments: [
        "@time=2024-05-01T12:00:00.123Z;msgid=m1;account=alice :alice!a@host PRIVMSG #rapport :hello there",
        "@+draft/reply=m0;bot :helper!h@host NOTICE #rapport :noted",
        ":bob!b@host PRIVMSG rapport :a private word",
        ":bob!b@host PRIVMSG @#rapport :to the ops",
        ":bob!b@host PRIVMSG #rapport :\u{01}ACTION waves\u{01}",
        ":bob!b@host PRIVMSG rapport :\u{01}VERSION\u{01}",
        ":irc.test NOTICE rapport :server notice",
        ":bob!b@host PRIVMSG #rapport",
        ":bob!b@host privmsg #rapport :lower case",
    ])
    func sessionActsAlikeOnViewAndMessage(_ line: String) throws {
        var harness = SessionHarness()
        try harness.register()
        try harness.receive(":alice!a@host JOIN #rapport alice :Alice")
        var other = harness.session
        let view = try IRCLineView.parse(ByteBuffer(string: line)).get()
        let viaView = harness.session.receive(view, now: harness.now)
        let viaMessage = other.receive(try IRCMessageParser.parse(line), now: harness.now)
        #expect(viaView == viaMessage)
        #expect(!line.hasPrefix("@time") || SessionHarness.events(viaView).count == 1)
    }
}
