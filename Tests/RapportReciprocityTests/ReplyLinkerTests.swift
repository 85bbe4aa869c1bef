import RapportCore
import Testing
@testable import RapportReciprocity

struct ReplyLinkerTests {
    @Test func addressedAnswerLinksToQuestion() {
        var linker = ReplyLinker()
        _ = linker.link(.init(kind: .join, nick: "alice", time: 0))
        let q = linker.link(.init(kind: .message, nick: "alice", time: 10, analysis: TextAnalysis("how do I mount a usb stick?"), isQuestion: true))
        _ = linker.link(.init(kind: .message, nick: "carol", time: 20, analysis: TextAnalysis("anyone seen my cat")))
        let a = linker.link(.init(kind: .message, nick: "bob", time: 30, analysis: TextAnalysis("alice: use the files app")))
        #expect(q.startsConversation)
        #expect(a.antecedent == q.sequence)
        #expect(a.antecedentNick == "alice")
    }
}

struct ShortenedNickTests {
    @Test("a folded prefix is tested as String.hasPrefix tests it", arguments: [
        ("Hikaru79", "hik"), ("Hikaru79", "hikaru79x"), ("[Bob]", "{b"), ("~Tilde", "^t"), ("Zoë", "zo"), ("Zoë", "zoe"),
        ("Zoe\u{301}", "zoe"), ("Ünïcode", "ü"), ("abc", "abd"), ("a\r\nb", "a\r"),
    ])
    func foldedPrefix(_ nick: String, _ prefix: String) {
        for casemapping in [Casemapping.ascii, .rfc1459, .strictRFC1459, .none] {
            #expect(
                ReplyLinker.folded(nick, hasPrefix: prefix, casemapping: casemapping)
                    == casemapping.fold(nick).hasPrefix(prefix), "\(nick) \(prefix) \(casemapping)")
        }
    }
}
