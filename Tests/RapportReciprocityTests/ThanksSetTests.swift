import Foundation
import Testing
@testable import RapportReciprocity

/// The thanks detector measured on the hand-labelled thanks set (`Training/thanks-set/`): a
/// regression below the targets of issue #25 fails here.
struct ThanksSetTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/RapportReciprocity/Training/thanks-set")

    @Test("on the thanks set, 95 % of credits go to the right person, no look-alike kind gets more than 1 false credit in 50 (one for every 50 begun), and recall stays at least what it was")
    func targets() throws {
        let set = try ThanksSet(contentsOf: Self.directory.appendingPathComponent("thanks-set.jsonl"))
        #expect(set.items.count >= 400)
        let score = set.score()
        #expect(score.precision >= 0.95, "\(score)")
        #expect(score.lookAlikeKinds(exceeding: 1).isEmpty, "\(score)")
        // Recall before the detector was reworked for issue #25: 220 of 268 real thanks.
        #expect(score.recall >= 220.0 / 268, "\(score)")
    }

    @Test("a credit counts as right only for a labelled person; any credit on a look-alike is a false one")
    func tallies() {
        var score = ThanksScore()
        score.add(source: "a:1", kind: "thanks", expected: ["Bob"], credited: ["bob"], text: "thanks bob")
        score.add(source: "a:2", kind: "thanks", expected: ["bob", "carol"], credited: ["dave", "carol"], text: "thanks all")
        score.add(source: "a:3", kind: "thanks", expected: ["bob"], credited: [], text: "thx")
        score.add(source: "a:4", kind: "software-plusplus", expected: [], credited: ["c"], text: "c++ rocks")
        score.add(source: "a:5", kind: "software-plusplus", expected: [], credited: [], text: "g++ -O2")
        #expect(score.lookAlikeKinds(exceeding: 1).isEmpty)
        score.add(source: "a:6", kind: "software-plusplus", expected: [], credited: ["notepad"], text: "notepad++ rocks")
        let thanks = score.byKind["thanks"]
        #expect(thanks?.messages == 3)
        #expect(thanks?.right == 2)
        #expect(thanks?.wrongPerson == 1)
        #expect(thanks?.found == 2)
        #expect(score.byKind["software-plusplus"]?.falseCredits == 2)
        #expect(score.precision == 2.0 / 5)
        #expect(score.recall == 2.0 / 3)
        #expect(score.lookAlikeKinds(exceeding: 1) == ["software-plusplus"])
        #expect(score.judgements.map(\.isRight) == [true, false, false, false, true, false])
    }

    @Test("labels are read as NAME LINE KIND CREDIT, and a line in no such form is an error naming it")
    func labels() throws {
        let labels = try ThanksLabels(text: "# comment\n\nlog 1000 thanks bob,carol # <al> thanks\nlog 1001 in-advance - # <al> tia\n")
        #expect(labels.labels["log"]?[1000] == ThanksLabels.Label(kind: "thanks", credit: ["bob", "carol"]))
        #expect(labels.labels["log"]?[1001] == ThanksLabels.Label(kind: "in-advance", credit: []))
        #expect(throws: ThanksLabels.LabelError.self) { try ThanksLabels(text: "log x thanks bob\n") }
    }
}
