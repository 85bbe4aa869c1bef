public import Benchmark
#if canImport(Glibc)
import Glibc
#endif

public extension BenchmarkMetric {
    /// The process's CPU time per iteration (every thread, user and system), in nanoseconds,
    /// from `CLOCK_PROCESS_CPUTIME_ID`: what the code costs, which other work on a shared
    /// machine moves far less than the wall clock. (package-benchmark's own `cpuTotal` counts
    /// scheduler ticks, 10 ms, too coarse for these iterations; instruction counters need
    /// `perf`, which virtual machines often lack.)
    static let processCPU = BenchmarkMetric.custom("CPU time (process, ns)")
}

public extension Benchmark.Configuration {
    /// Rapport's benchmarks: wall clock, process CPU time and mallocs per iteration, at most
    /// `maxIterations` samples or one second each. Operations of a few microseconds run
    /// `scalingFactor` times per sample (figures are per operation), since the p90 of single
    /// ones moves with every interruption.
    ///
    /// Benchmark names hold no spaces: package-benchmark 1.38 writes a threshold file with `_`
    /// for each space of the name, but looks for it with the spaces.
    ///
    /// `swift package benchmark thresholds check` compares each metric's p90 with the p90
    /// checked in under `Thresholds/` and fails beyond these tolerances: mallocs, which do not
    /// depend on the machine, at `mallocs` (by default 10 % more); CPU time at 1.6× (a real
    /// regression of 2× fails; other work on two shared cores moved the p90 by up to 1.4×); the
    /// wall clock only at 10×, which catches a wait added on the path (a sleep, a timer, a
    /// lock held across I/O), while a busy machine alone can move it 3–5×.
    static func rapport(
        maxIterations: Int, scalingFactor: BenchmarkScalingFactor = .one, mallocs: BenchmarkThresholds = .init(relative: [.p90: 10])
    ) -> Self {
        .init(
            metrics: [.wallClock, .processCPU, .mallocCountTotal],
            timeUnits: .microseconds,
            warmupIterations: 3,
            scalingFactor: scalingFactor,
            maxDuration: .seconds(1),
            maxIterations: maxIterations,
            thresholds: [
                .mallocCountTotal: mallocs,
                .processCPU: .init(relative: [.p90: 60]),
                .wallClock: .init(relative: [.p90: 900]),
            ]
        )
    }
}

public extension Benchmark {
    /// Runs `body` once per scaled iteration and records the process CPU time it took
    /// (``BenchmarkMetric/processCPU``).
    func measuringCPU(_ body: () async throws -> Void) async rethrows {
        let start = Self.processCPUNanoseconds()
        for _ in scaledIterations { try await body() }
        measurement(.processCPU, Self.processCPUNanoseconds() - start)
    }

    /// The same, for a synchronous `body`.
    func measuringCPU(_ body: () throws -> Void) rethrows {
        let start = Self.processCPUNanoseconds()
        for _ in scaledIterations { try body() }
        measurement(.processCPU, Self.processCPUNanoseconds() - start)
    }

    private static func processCPUNanoseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}
