import ArgumentParser
import Foundation
import NudgesPlugin
import RapportCore

struct NudgeEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nudge-eval",
        abstract: "Replay logs through the nudge tracker in virtual time and measure its thank nudges against gold reply links.",
        discussion: """
            Logs are in the Ubuntu IRC corpus format (see replay); each is replayed from its start with \
            the log's own timestamps, the default rate limits and everyone online. Gold links are read \
            from NAME.annotation.txt beside each NAME.raw.txt. A thank nudge to A for B's answer X is \
            correct when the gold links say X answers a message of A's and A never thanked B later in \
            the log; it is judged only when X is annotated.
            """)

    @Option(name: .customLong("thank-after"), help: "The thank_after setting (such as 20m).")
    var thankAfter = "20m"

    @Option(name: .customLong("reply-after"), help: "The reply_after setting (such as 2h).")
    var replyAfter = "2h"

    @Flag(name: .customLong("any-answer"), help: "Owe thanks for every answer, not only substantive ones (the tracker before tuning).")
    var anyAnswer = false

    @Flag(help: "Print every thank nudge with its verdict.")
    var show = false

    @Argument(help: "Log files (NAME.raw.txt).")
    var logs: [String]

    func run() async throws {
        var settings = NudgeReplay.Settings()
        settings.thankAfter = try Self.seconds(thankAfter, "--thank-after")
        settings.replyAfter = try Self.seconds(replyAfter, "--reply-after")
        settings.tracker.substantiveAnswersOnly = !anyAnswer
        let replay = NudgeReplay(settings: settings)
        var report = NudgeEvaluation.Report()
        for path in logs {
            let file = URL(fileURLWithPath: path)
            let log = try replay.run(file)
            let gold = file.deletingLastPathComponent().appendingPathComponent("\(log.name).annotation.txt")
            let evaluation = NudgeEvaluation(annotations: (try? String(contentsOf: gold, encoding: .utf8)) ?? "")
            evaluation.add(log, to: &report)
            if show {
                for nudge in log.sent where nudge.kind == .thank {
                    print("\(log.name) \(nudge.line) \(nudge.recipient) ← \(nudge.other): \(evaluation.judge(nudge, in: log).rawValue): \(log.lines[nudge.line].text)")
                }
            }
        }
        print(report)
    }

    private static func seconds(_ text: String, _ option: String) throws -> TimeInterval {
        guard let duration = Duration(chatText: text), duration > .zero else {
            throw ValidationError("\(option): expected a duration such as 20m or 2h.")
        }
        return duration.timeInterval
    }
}
