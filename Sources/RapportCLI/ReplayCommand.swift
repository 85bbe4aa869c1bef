import ArgumentParser
import Foundation
import RapportReciprocity

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the reciprocity engine over log files and write the reply links and help events it finds.",
        discussion: """
            Logs are in the Ubuntu IRC corpus format: [HH:MM] <nick> text, [HH:MM] * nick action, and \
            === system lines; line numbers count from 0 and each file is its own channel. Lines in no \
            known format are counted and linked to themselves. The summary (lines, lines/s, peak \
            memory) goes to standard error.
            """)

    @Option(name: .customLong("links-out"), help: "Write NAME.annotation.txt link files (A B -) into this directory.")
    var linksOut: String?

    @Option(name: .customLong("events-out"), help: "Write help events as JSON lines to this file.")
    var eventsOut: String?

    @Option(name: .customLong("features-out"), help: .hidden)
    var featuresOut: String?

    @Argument(help: "Log files (NAME.raw.txt).")
    var logs: [String]

    func run() async throws {
        var options = Replay.Options()
        options.linksDirectory = linksOut.map { URL(fileURLWithPath: $0) }
        options.eventsFile = eventsOut.map { URL(fileURLWithPath: $0) }
        options.featuresPrefix = featuresOut.map { URL(fileURLWithPath: $0) }
        let summary = try Replay(options: options).run(logs.map { URL(fileURLWithPath: $0) })
        printError("replay: \(summary); peak memory \(Self.peakMemoryMB()) MB")
    }

    /// The process's peak resident memory so far (`ru_maxrss`, kB on Linux), in whole MB.
    static func peakMemoryMB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return (usage.ru_maxrss + 512) / 1024
    }
}
