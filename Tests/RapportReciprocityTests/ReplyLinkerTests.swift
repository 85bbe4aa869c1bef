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
