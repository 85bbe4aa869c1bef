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

    @Test("the latest speaker whose folded nick has the prefix is found, nicks passed over by their first byte included")
    func shortenedNickIsTheLatestMatchingSpeaker() {
        let nicks = ["Hikaru79", "hiro", "[Bob]", "~Tilde", "Zoë", "Ünïcode", "a\r\nb", "Zed", "bob", "HIKE"]
        let prefixes = ["hik", "hi", "{b", "{", "^t", "zo", "zoë", "ü", "Ü", "a\r", "ze", "bo", "x", "h", "hikaru79x"]
        for casemapping in [Casemapping.ascii, .rfc1459, .strictRFC1459, .none] {
            var linker = ReplyLinker(casemapping: casemapping)
            for (k, nick) in nicks.enumerated() {
                _ = linker.link(.init(kind: .message, nick: nick, time: Double(k), analysis: TextAnalysis("some words here")))
            }
            for prefix in prefixes {
                // Every nick compared in full, newest first.
                let window = linker.window[linker.windowStart...]
                let expected = window.last { ReplyLinker.folded($0.nick, hasPrefix: prefix, casemapping: casemapping) }?.user
                #expect(linker.shortenedNick(prefix) == expected, "\(prefix) \(casemapping)")
            }
        }
    }
}
