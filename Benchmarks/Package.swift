// swift-tools-version: 6.1
import PackageDescription

// Rapport's benchmarks, a package of their own beside the bot's (as swift-nio and Hummingbird
// keep theirs) so that the bot does not depend on package-benchmark. See BENCHMARKS.md.
//
//   swift package benchmark                     # run every benchmark (release build)
//   swift package benchmark thresholds check    # fail on a regression against Thresholds/
//   swift run -c release RapportBench …         # the runs package-benchmark does not fit

let rapport = "Rapport"

/// A package-benchmark target: `Benchmarks/<name>/<name>.swift` defines `benchmarks`.
func benchmark(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "package-benchmark"), "BenchmarkConfiguration", "BenchmarkInputs"] + dependencies,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
    )
}

let core: Target.Dependency = .product(name: "RapportCore", package: rapport)
let irc: Target.Dependency = .product(name: "RapportIRC", package: rapport)
let sqlite: Target.Dependency = .product(name: "RapportStoreSQLite", package: rapport)
let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "RapportBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: rapport, path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        .target(name: "BenchmarkInputs", dependencies: [irc, nioCore]),
        .target(name: "BenchmarkConfiguration", dependencies: [.product(name: "Benchmark", package: "package-benchmark")]),
        benchmark("IRCParser", dependencies: [irc, nioCore]),
        benchmark("Reciprocity", dependencies: [core, .product(name: "RapportReciprocity", package: rapport)]),
        benchmark("Store", dependencies: [core, sqlite, .product(name: "ThanksPlugin", package: rapport)]),
        benchmark(
            "Dashboard",
            dependencies: [
                core, sqlite, .product(name: "RapportDashboard", package: rapport),
                .product(name: "ThanksPlugin", package: rapport), .product(name: "NudgesPlugin", package: rapport),
            ]),
        benchmark(
            "CommandRoundTrip",
            dependencies: [
                core, sqlite, log, .product(name: "RapportPluginHost", package: rapport), .product(name: "CorePlugin", package: rapport),
            ]),
        benchmark("MatrixSync", dependencies: [core, nioCore, .product(name: "RapportMatrix", package: rapport)]),
        .executableTarget(
            name: "RapportBench",
            dependencies: ["BenchmarkInputs", core, irc, log, .product(name: "RapportMatrix", package: rapport)],
            path: "Sources/RapportBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
