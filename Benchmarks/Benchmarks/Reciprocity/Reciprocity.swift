import Benchmark
import BenchmarkConfiguration
import BenchmarkInputs
import RapportCore
import RapportReciprocity

/// The reciprocity engine over 10,000 messages of the synthetic channel (questions, answers,
/// thanks, chatter), as the nudges and thanks plugins run it on every line: a new engine each
/// iteration, made before the measurement starts.
let benchmarks: @Sendable () -> Void = {
    let observations = SyntheticChannel.lines(count: 10_000).enumerated().map { n, line in
        Observation(
            kind: .message, network: "bench", channel: "#help", nick: line.nick, time: line.time, text: line.text,
            id: MessageID("m\(n)"))
    }
    Benchmark("engine-10000-messages", configuration: .rapport(maxIterations: 100)) { benchmark in
        var engine = ReciprocityEngine()
        benchmark.startMeasurement()
        var events = 0
        benchmark.measuringCPU {
            for observation in observations { events &+= engine.observe(observation).events.count }
        }
        benchmark.stopMeasurement()
        blackHole(events)
    }
}
