import BenchmarkInputs
import Foundation

// The benchmark runs that package-benchmark does not fit (BENCHMARKS.md), run from the
// repository root as Benchmarks/.build/release/RapportBench:
//
//   load [--rapport PATH] [--messages N] [--users N] [--rate N] [--corpus DIR] [--floor] …
//                          end to end through InspIRCd (LoadBenchmark); with --floor,
//                          FloorBot stands in for the bot
//   parse-once [DIR] [DEPTH]
//                          every line of the Ubuntu corpus in DIR parsed once to DEPTH (view,
//                          event or message, the default), for callgrind
//   matrix-idle URL USER_ID PASSWORD SECONDS [SYNC_TIMEOUT]
//                          the CPU the Matrix connector uses idle on a real homeserver

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: RapportBench load [options] | parse-once [DIR] [DEPTH] | matrix-idle URL USER_ID PASSWORD SECONDS [SYNC_TIMEOUT]"
do {
    switch arguments.first {
    case "load":
        try LoadBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "floor-bot":
        guard arguments.count == 3, arguments[1] == "--config" else {
            say("usage: RapportBench floor-bot --config PATH")
            exit(2)
        }
        try FloorBot.run(configPath: arguments[2])
    case "parse-once":
        guard let depth = IRCParsePass.Depth(rawValue: arguments.dropFirst(2).first ?? "message") else {
            say("parse-once: DEPTH is one of \(IRCParsePass.Depth.allCases.map(\.rawValue).joined(separator: ", "))")
            exit(2)
        }
        let input = IRCParsePass.Input(UbuntuCorpus.chatLines(under: arguments.dropFirst().first ?? UbuntuCorpus.defaultDirectory))
        let checksum = IRCParsePass.parse(input, to: depth)
        say("parsed \(input.count) lines once to \(depth.rawValue) (checksum \(checksum % 1000))")
        exit(input.count == 0 ? 1 : 0)
    case "matrix-idle":
        try await MatrixIdle.run(Array(arguments.dropFirst()))
    default:
        say(usage)
        exit(2)
    }
} catch {
    say("error: \(error)")
    exit(1)
}

/// Prints a line at once (unbuffered), so progress shows up even when the output is a file.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
