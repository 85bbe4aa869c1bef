import Benchmark
import BenchmarkConfiguration
import BenchmarkInputs

/// The IRC parser at three depths (``IRCParsePass/Depth``) over 10,000 lines of the synthetic
/// channel, each a tagged PRIVMSG as InspIRCd sends it to a bot.
let benchmarks: @Sendable () -> Void = {
    let input = IRCParsePass.Input(SyntheticChannel.lines(count: 10_000).map { ($0.nick, $0.text) })
    for depth in IRCParsePass.Depth.allCases {
        // The view allocates nothing: a relative tolerance of nothing would let any allocation through.
        let mallocs = depth == .view ? BenchmarkThresholds(absolute: [.p90: 0]) : BenchmarkThresholds(relative: [.p90: 10])
        Benchmark("\(depth.rawValue)-10000-lines", configuration: .rapport(maxIterations: 200, mallocs: mallocs)) { benchmark in
            benchmark.measuringCPU { blackHole(IRCParsePass.parse(input, to: depth)) }
        }
    }
}
