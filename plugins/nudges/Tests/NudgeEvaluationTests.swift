import Foundation
import NudgesPlugin
import Testing

/// The corpus replay of nudges (`rapport nudge-eval`) on a small log with hand-written gold links.
struct NudgeEvaluationTests {
    /// Four answers nobody thanked in time: alice's is a real answer (correct), carol thanks dave
    /// later (thanked later), the gold links say frank did not answer erin (not an answer), and
    /// hank's answer is outside the annotated part (not judged).
    static let log = """
        [10:00] <alice> how do I mount an ntfs usb drive on ubuntu?
        [10:01] <bob> alice: sudo apt install ntfs-3g, then plug it in again
        [10:02] <carol> is there a way to change the login screen wallpaper?
        [10:03] <dave> carol: install lightdm-gtk-greeter-settings and pick one there
        [10:05] <alice> anyone here using kde plasma?
        [10:06] <carol> the weather is nice today
        [10:30] <erin> what is the command to list usb devices?
        [10:31] <frank> erin: run lsusb in a terminal
        [10:32] <erin> brb, phone
        [10:50] <carol> dave: thank you
        [11:00] <erin> back
        [11:01] <gina> how can I check which ubuntu version I have?
        [11:02] <hank> gina: lsb_release -a
        [11:03] <gina> and how do I see the kernel version?
        [11:40] <gina> still here
        [11:41] <alice> bye all
        """
    static let gold = "0 1 -\n2 3 -\n0 4 -\n5 5 -\n6 6 -\n7 7 -\n6 8 -\n3 9 -\n10 10 -\n11 11 -\n11 13 -\n14 14 -\n15 15 -\n"

    func replay() throws -> (NudgeReplay.Log, NudgeEvaluation) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("slice.raw.txt")
        try Self.log.write(to: file, atomically: true, encoding: .utf8)
        return (try NudgeReplay().run(file), NudgeEvaluation(annotations: Self.gold))
    }

    @Test func unthankedAnswersBecomeThankNudgesOnceTheAskerSpokeAgainAfterTheDelay() throws {
        let (log, _) = try replay()
        #expect(log.name == "slice")
        #expect(log.messages == 16)
        let thanks = log.sent.filter { $0.kind == .thank }
        #expect(thanks.map(\.line) == [1, 3, 7, 12])
        #expect(thanks.map(\.recipient) == ["alice", "carol", "erin", "gina"])
        #expect(thanks.map(\.other) == ["bob", "dave", "frank", "hank"])
        // Due 20 minutes after the answer; alice had spoken again, so it goes out at the first tick after.
        #expect(thanks.first?.sentAt == TimeInterval(10 * 3600 + 30 * 60))
    }

    @Test func eachThankNudgeIsJudgedAgainstTheGoldLinksAndLaterThanks() throws {
        let (log, evaluation) = try replay()
        let verdicts = log.sent.filter { $0.kind == .thank }.map { evaluation.judge($0, in: log) }
        #expect(verdicts == [.correct, .thankedLater, .notAnAnswer, .notJudged])
        var report = NudgeEvaluation.Report()
        evaluation.add(log, to: &report)
        #expect(report.thankNudges == 4)
        #expect(report.judged == 3)
        #expect(abs(report.precision - 1.0 / 3.0) < 1e-9)
        #expect(report.description.contains("thank precision: 1/3 = 33.3%"))
        #expect(report.description.contains("thank nudges: 4 (250.00 per 1,000 messages)"))
    }
}
