import Foundation
import RapportIRC
import Testing

struct IRCMessageSerializationTests {
    /// From the ircdocs `msg-join` vectors (tags first, escaping, trailing colon rules).
    @Test func joinsLikeTheIrcdocsVectors() {
        #expect(IRCMessage("foo", "bar", "baz", "asdf").serialized() == "foo bar baz asdf")
        #expect(IRCMessage(source: "src", command: "AWAY").serialized() == ":src AWAY")
        #expect(IRCMessage("foo", "bar", "baz", "asdf quux").serialized() == "foo bar baz :asdf quux")
        #expect(IRCMessage("foo", "bar", "baz", "").serialized() == "foo bar baz :")
        #expect(IRCMessage("foo", "bar", "baz", ":asdf").serialized() == "foo bar baz ::asdf")
        #expect(IRCMessage(source: "coolguy", command: "foo", parameters: ["bar", "baz", "asdf quux"]).serialized()
            == ":coolguy foo bar baz :asdf quux")
        #expect(IRCMessage("foo", tags: [IRCTag("a", "b"), IRCTag("c", "32"), IRCTag("k"), IRCTag("rt", "ql7")]).serialized()
            == "@a=b;c=32;k;rt=ql7 foo")
        #expect(IRCMessage("foo", tags: [IRCTag("a", "b\\and\nk"), IRCTag("c", "72 45"), IRCTag("d", "gh;764")]).serialized()
            == #"@a=b\\and\nk;c=72\s45;d=gh\:764 foo"#)
    }

    @Test("round trip through parser", arguments: [
        "@time=2024-01-01T00:00:00.000Z;+draft/reply=abc :alice!a@h PRIVMSG #c :hello there",
        ":irc.example 005 me CASEMAPPING=rfc1459 PREFIX=(ov)@+ :are supported",
        "PING :token",
        #"@x=a\:b\sc\\d COMMAND p1 :p 2"#,
    ])
    func roundTrips(_ line: String) throws {
        let message = try IRCMessageParser.parse(line)
        let again = try IRCMessageParser.parse(message.serialized())
        #expect(again == message)
    }

    @Test("CR, LF and NUL never produce a second line", arguments: [
        "hi\r\nQUIT :bye", "a\rb", "a\nPRIVMSG #x :evil", "nul\0byte", "\r\n\r\n", "trailing\r",
    ])
    func injectionIsNeutralised(_ text: String) throws {
        let message = IRCMessage(tags: [IRCTag("+draft/reply", text)], command: "PRIVMSG", parameters: ["#c\r\nJOIN", text])
        let line = message.serialized()
        #expect(!line.utf8.contains(0x0D))
        #expect(!line.utf8.contains(0x0A))
        #expect(!line.utf8.contains(0))
        let parsed = try IRCMessageParser.parse(line)
        #expect(parsed.command == "PRIVMSG")
        #expect(parsed.parameters.count == 2)
        #expect(parsed.tag("+draft/reply") == text.replacingOccurrences(of: "\0", with: ""))
    }

    @Test func middleParametersStayOneAtom() throws {
        let line = IRCMessage("MODE", "#c hat", ":o", "", "last param").serialized()
        let parsed = try IRCMessageParser.parse(line)
        #expect(parsed.parameters == ["#c_hat", "_o", "*", "last param"])
    }
}
