import Foundation
import NIOCore
import Testing

@testable import RapportIRC

/// The session's tags, read in one pass: from a view (keys as words, the time from the bytes)
/// exactly what the full message gives, and what one lookup per key gives.
struct IRCTextTagsTests {
    /// What a message without any of the session's tags gives.
    static let nothing = IRCMessage("PING", "x").textTags

    static func view(_ line: String) throws -> IRCLineView {
        try IRCLineView.parse(ByteBuffer(string: line)).get()
    }

    @Test func picksOutEverySessionTagInOnePass() throws {
        let line = "@time=2011-05-29T19:07:00.007Z;msgid=Rk77xQ;account=nick;+draft/reply=Rk\\s76;batch=b1;x=y;draft/bot"
            + " :nick!~nick@user/nick PRIVMSG #ubuntu :text"
        let tags = try Self.view(line).textTags
        #expect(tags.time == Date(timeIntervalSince1970: 1_306_696_020.007))
        #expect(tags.msgid == "Rk77xQ" && tags.account == "nick" && tags.reply == "Rk 76" && tags.batch == "b1" && tags.isBot)
        #expect(tags == (try IRCMessageParser.parse(line)).textTags)
        let none = try Self.view(":nick!u@h PRIVMSG #c :x").textTags
        #expect(none == Self.nothing)
        #expect(none.account == nil && none.secondsSince1970 == nil && none.msgid == nil && none.reply == nil && none.batch == nil && !none.isBot)
    }

    /// Each key is found by its words, at the end of the line too (where they are read byte by
    /// byte), and a key one byte off is not.
    @Test func knowsEachKeyByItsNameAndNoNearMiss() throws {
        for key in IRCTextTags.Key.allCases {
            // A time's value must be a time to count; a key without value is near the line's end.
            let value = "2011-05-29T19:07:00.007Z"
            for section in ["@\(key.rawValue)=\(value) PING x", "@a=b;\(key.rawValue)=\(value) PING", "@a=b;\(key.rawValue) PING"] {
                let line = Array(section.utf8)
                let view = try IRCLineView.parse(ByteBuffer(bytes: line)).get()
                #expect((view.textTags != Self.nothing) == (key != .time || section.contains(value)), "\(section)")
                #expect(view.textTags == IRCMessage(view).textTags, "\(section)")
            }
            let name = key.rawValue
            for nearMiss in [name.uppercased(), String(name.dropLast()), name + "x", "x" + name, String(name.dropFirst())] {
                let view = try Self.view("@\(nearMiss)=1 PING x")
                #expect(view.textTags == Self.nothing, "\(nearMiss)")
            }
        }
    }

    /// Random tag sections of the session's keys (repeated, escaped, empty, with and without
    /// values, times in and out of the usual form) among other keys: the view's one pass gives
    /// what the message gives and what a lookup per key gives.
    @Test func agreesWithTheMessageAndWithOneLookupPerKeyOnRandomTagSections() throws {
        var random = IRCParserFuzzTests.Random(state: 0xC0FF_EE00_1234_5678)
        let keys = IRCTextTags.Key.allCases.map(\.rawValue) + ["acc", "timex", "+msgid", "x"]
        let values = [
            "", "v", "a\\sb", "a\\:b\\\\", "\\", "nick-with-a-long-name", "é", "2011-05-29T19:07:00.007Z",
            "2011-05-29T19:07:00Z", "2011-13-29T19:07:00.007Z", "2011-05-29T19:07:00.007\\sZ",
        ]
        for _ in 0..<20_000 {
            let tags = (0..<(1 + random.below(8))).map { _ in
                let key = keys[random.below(keys.count)]
                return random.below(5) == 0 ? key : "\(key)=\(values[random.below(values.count)])"
            }
            let line = "@\(tags.joined(separator: ";")) :n!u@h PRIVMSG #c :hi"
            let view = try Self.view(line)
            let message = try IRCMessageParser.parse(line)
            let read = view.textTags
            #expect(read == message.textTags, "\(line)")
            #expect(read.account == view.tag("account") && read.msgid == view.tag("msgid"), "\(line)")
            #expect(read.reply == view.tag("+draft/reply") && read.batch == view.tag("batch"), "\(line)")
            #expect(read.secondsSince1970 == view.tag("time").flatMap(ServerTime.seconds), "\(line)")
            #expect(read.isBot == (view.tag("bot") != nil || view.tag("draft/bot") != nil), "\(line)")
        }
    }
}
