import Foundation
import RapportCore
import Testing

@testable import RapportIRC

/// Attacks on who the IRC connector says a sender is: no nick may take another's account or
/// operator status.
struct AdversarialIRCIdentityTests {
    /// Caps without account-tag or extended-join: identity comes from tracked state only.
    static let trackingCaps = "message-tags server-time multi-prefix userhost-in-names"

    /// Registered with ``trackingCaps`` and in `#c`, where carol (account `carol`) is an operator.
    static func sessionWithCarol() throws -> SessionHarness {
        var h = SessionHarness()
        try h.register(caps: trackingCaps)
        try h.receive(":rapport!r@h JOIN #c")
        try h.receive(":irc.test 354 rapport 42 #c c host carol H@ carol :Carol")
        return h
    }

    static func sender(_ actions: [IRCSessionStateMachine.Action]) throws -> ChatEvent {
        try #require(SessionHarness.events(actions).last)
    }

    @Test("with account-tag a message without the tag is from nobody logged in, whatever was tracked")
    func missingAccountTagMeansLoggedOut() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":rapport!r@h JOIN #c * :Rapport")
        try h.receive(":bob!b@h JOIN #c bob :Bob")
        #expect(h.session.account(of: "bob") == "bob")
        let event = try Self.sender(try h.receive(":bob!b@h PRIVMSG #c :!admin list"))
        #expect(event.sender.identity == nil)
    }

    @Test("under an unknown CASEMAPPING bob{ is not Bob[, and gets neither its account nor its op")
    func unknownCasemappingMergesNothing() throws {
        var h = SessionHarness()
        _ = h.start()
        try h.receive(":ergo.test CAP * LS :\(Self.trackingCaps)")
        try h.receive(":ergo.test CAP * ACK :\(Self.trackingCaps)")
        try h.receive(":ergo.test 001 rapport :Welcome")
        let isupport = try h.receive(":ergo.test 005 rapport CASEMAPPING=rfc8265 CHANTYPES=# PREFIX=(ov)@+ WHOX :are supported")
        #expect(isupport.contains { if case .log(.warning, let text) = $0 { text.contains("rfc8265") } else { false } })
        #expect(h.session.support.casemapping == .ascii)
        try h.receive(":rapport!r@h JOIN #c")
        try h.receive(":ergo.test 354 rapport 42 #c b host Bob[ H@ bob :Bob")
        let event = try Self.sender(try h.receive(":bob{!m@evil PRIVMSG #c :!admin add mallory"))
        #expect(event.sender.identity == nil)
        #expect(!event.senderIsOperator)
        #expect(h.session.account(of: "BOB[") == "bob", "ASCII case still folds")
    }

    @Test("a WHO reply about a channel the bot is not in creates no entry to inherit later")
    func whoForOtherChannelIsIgnored() throws {
        var h = try Self.sessionWithCarol()
        try h.receive(":irc.test 354 rapport 42 #elsewhere o host eve H@ owner :Eve")
        try h.receive(":irc.test 352 rapport #elsewhere o host irc.test eve2 H@ :0 Eve")
        #expect(h.session.account(of: "eve") == nil)
        #expect(h.session.checkOnline("eve2").known == nil)
        try h.receive(":eve!e@h JOIN #c")
        let event = try Self.sender(try h.receive(":eve!e@h PRIVMSG #c :!config set x y"))
        #expect(event.sender.identity == nil)
    }

    @Test("a NICK change onto a tracked nick keeps nothing of that nick's previous holder")
    func nickChangeDoesNotInherit() throws {
        var h = try Self.sessionWithCarol()
        // carol's QUIT was lost in a netsplit; a stranger now takes her nick.
        try h.receive(":ghost!g@h NICK carol")
        #expect(h.session.account(of: "carol") == nil)
        #expect(!h.session.isOperator("carol", in: "#c"))
    }

    @Test("after QUIT or a netsplit, whoever joins under the nick starts with no account or status",
        arguments: ["Client Quit", "*.net *.split"])
    func rejoinAfterQuitStartsFresh(reason: String) throws {
        var h = try Self.sessionWithCarol()
        try h.receive(":carol!c@host QUIT :\(reason)")
        try h.receive(":carol!m@evil JOIN #c")
        let event = try Self.sender(try h.receive(":carol!m@evil PRIVMSG #c :!forget me"))
        #expect(event.sender.identity == nil)
        #expect(!event.senderIsOperator)
    }
}
