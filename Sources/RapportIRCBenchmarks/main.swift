import Foundation

// IRC benchmarks (BENCHMARKS.md, section IRC), run from the repository root:
//
//   RapportIRCBenchmarks parse [DIR] [SECONDS]   parser/serializer lines/s on the Ubuntu IRC corpus in DIR
//   RapportIRCBenchmarks parse-once [DIR] [DEPTH] every line parsed once to DEPTH (view, event or
//                                                message, the default), for callgrind
//   RapportIRCBenchmarks load [--rapport PATH] [--messages N] [--users N] [--rate N] [--corpus DIR]
//                                                end to end through InspIRCd (LoadBenchmark); with
//                                                --floor, FloorBot stands in for the bot

let arguments = Array(CommandLine.arguments.dropFirst())
let defaultCorpus = "../shared/data/ubuntu-irc"
do {
    switch arguments.first ?? "parse" {
    case "parse":
        let seconds = arguments.dropFirst(2).first.flatMap(Double.init) ?? 3
        exit(ParserBenchmark.run(root: arguments.dropFirst().first ?? defaultCorpus, seconds: seconds))
    case "parse-once":
        guard let depth = ParserBenchmark.Depth(rawValue: arguments.dropFirst(2).first ?? "message") else {
            say("parse-once: DEPTH is one of \(ParserBenchmark.Depth.allCases.map(\.rawValue).joined(separator: ", "))")
            exit(2)
        }
        exit(ParserBenchmark.runOnce(root: arguments.dropFirst().first ?? defaultCorpus, depth: depth))
    case "load":
        try LoadBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "floor-bot":
        guard arguments.count == 3, arguments[1] == "--config" else {
            say("usage: RapportIRCBenchmarks floor-bot --config PATH")
            exit(2)
        }
        try FloorBot.run(configPath: arguments[2])
    default:
        say("usage: RapportIRCBenchmarks parse [DIR] [SECONDS] | parse-once [DIR] [DEPTH] | load [options]")
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
