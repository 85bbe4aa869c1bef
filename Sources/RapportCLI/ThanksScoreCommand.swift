import ArgumentParser
import Foundation
import RapportReciprocity

struct ThanksScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thanks-score",
        abstract: "Measure thanks credit against hand labels: precision, recall and false credits per kind.",
        discussion: """
            --set reads a thanks set (as Sources/RapportReciprocity/Training/thanks-set/thanks-set.jsonl: \
            each labelled line with the log lines before it) and replays every item through a fresh \
            engine. --labels reads labels of lines in whole logs (NAME LINE KIND CREDIT # text, as \
            thanks-set/dev-labels.txt beside it) and replays the logs given as arguments; a credit on an annotated line (from 1000 on) that \
            nobody labelled counts as a false credit of kind "unlabelled".
            """)

    @Option(name: .customLong("set"), help: "A thanks set (JSON lines).")
    var set: String?

    @Option(name: .customLong("labels"), help: "Labels of lines in the logs given as arguments.")
    var labels: String?

    @Flag(help: "Print every message scored wrong.")
    var show = false

    @Argument(help: "Log files (NAME.raw.txt) for --labels.")
    var logs: [String] = []

    func validate() throws {
        guard set != nil || labels != nil else { throw ValidationError("Give --set FILE, or --labels FILE and log files, or both.") }
        guard (labels == nil) == logs.isEmpty else { throw ValidationError("--labels needs log files, and log files need --labels.") }
    }

    func run() throws {
        if let set {
            let score = try ThanksSet(contentsOf: URL(fileURLWithPath: set)).score()
            report("thanks set \(set)", score)
        }
        if let labels {
            let parsed = try ThanksLabels(text: String(contentsOf: URL(fileURLWithPath: labels), encoding: .utf8))
            let score = try parsed.score(logs: logs.map { URL(fileURLWithPath: $0) })
            report("labels \(labels) on \(logs.count) logs", score)
        }
    }

    private func report(_ title: String, _ score: ThanksScore) {
        print("\(title):\n\(score)")
        guard show else { return }
        for judgement in score.judgements where !judgement.isRight {
            let expected = judgement.expected.isEmpty ? "nobody" : judgement.expected.joined(separator: ",")
            let credited = judgement.credited.isEmpty ? "nobody" : judgement.credited.joined(separator: ",")
            print("  \(judgement.source) [\(judgement.kind)] expected \(expected), credited \(credited): \(judgement.text.prefix(160))")
        }
        print()
    }
}
