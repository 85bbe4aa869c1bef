// swift-tools-version: 6.1
import PackageDescription

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let ahc: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

/// A built-in plugin lives in `plugins/<id>/{Sources,Tests}`, beside its README.
func plugin(
    _ id: String, module: String, dependencies: [Target.Dependency] = [], testDependencies: [Target.Dependency] = []
) -> [Target] {
    [
        .target(
            name: module,
            dependencies: ["RapportCore", log] + dependencies,
            path: "plugins/\(id)/Sources"
        ),
        .testTarget(
            name: "\(module)Tests",
            dependencies: [.target(name: module), "RapportTesting"] + testDependencies,
            path: "plugins/\(id)/Tests"
        ),
    ]
}

/// A libFuzzer target, built and run by `deploy/fuzz.sh`: `Fuzz/<name>/<name>.swift` defines
/// `LLVMFuzzerTestOneInput` (libFuzzer supplies `main`), and `corpus/` holds its seed inputs.
func fuzzTarget(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(name)", exclude: ["corpus"])
}

let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let metricsTestKit: Target.Dependency = .product(name: "MetricsTestKit", package: "swift-metrics")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
]

let package = Package(
    name: "Rapport",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rapport", targets: ["RapportCLI"]),
        .library(name: "RapportCore", targets: ["RapportCore"]),
        .library(name: "RapportIRC", targets: ["RapportIRC"]),
        .library(name: "RapportReciprocity", targets: ["RapportReciprocity"]),
        .library(name: "RapportMatrix", targets: ["RapportMatrix"]),
        // For the benchmarks package (Benchmarks/Package.swift).
        .library(name: "RapportStoreSQLite", targets: ["RapportStoreSQLite"]),
        .library(name: "RapportPluginHost", targets: ["RapportPluginHost"]),
        .library(name: "RapportDashboard", targets: ["RapportDashboard"]),
        .library(name: "CorePlugin", targets: ["CorePlugin"]),
        .library(name: "ThanksPlugin", targets: ["ThanksPlugin"]),
        .library(name: "NudgesPlugin", targets: ["NudgesPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .target(
            name: "RapportCore",
            dependencies: [
                log, metrics, .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),
        .target(name: "RapportIRC", dependencies: ["RapportCore", log, .product(name: "Crypto", package: "swift-crypto")] + nio),
        .testTarget(
            name: "RapportIRCTests",
            dependencies: [
                "RapportIRC", "RapportCore", "RapportStoreSQLite", "RapportServerTesting", "RapportTesting", log, metricsTestKit,
                .product(name: "Crypto", package: "swift-crypto"),
            ] + nio,
            exclude: ["Fixtures"]),
        .target(
            name: "RapportServerTesting",
            dependencies: ["RapportCore", "RapportIRC", "RapportMatrix", "RapportStorePostgres", "RapportTesting", log] + nio,
            exclude: ["human.py"]
        ),
        .target(
            name: "RapportStoreSQLite",
            dependencies: ["RapportCore", log, .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "RapportStorePostgres",
            dependencies: ["RapportCore", log, .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .target(
            name: "RapportHTTP",
            dependencies: [
                "RapportCore", log, metrics,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "RapportDashboard",
            dependencies: [
                "RapportCore", "RapportHTTP", "DashboardPlugin", "NudgesPlugin", "ThanksPlugin", log,
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "RapportDashboardTests",
            dependencies: [
                "RapportDashboard", "RapportHTTP", "RapportTesting", "RapportCore", "RapportStoreSQLite", "DashboardPlugin",
                "ThanksPlugin", "NudgesPlugin", "AdminPlugin", "CorePlugin", ahc, log, nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "RapportTesting", dependencies: ["RapportCore", "RapportStoreSQLite", log]),
        .target(name: "RapportConsole", dependencies: ["RapportCore"]),
        .target(
            name: "RapportPluginHost",
            dependencies: ["RapportCore", log, .product(name: "DequeModule", package: "swift-collections")]),
        .testTarget(
            name: "RapportPluginHostTests", dependencies: ["RapportPluginHost", "RapportTesting", "RapportApp", "CorePlugin", "AdminPlugin", log],
            exclude: ["Fixtures"]),
        .target(
            name: "RapportApp",
            dependencies: [
                "RapportCore", "RapportStoreSQLite", "RapportStorePostgres", "RapportHTTP", "RapportConsole", "RapportIRC", "RapportMatrix",
                "RapportPluginHost", "CorePlugin", "AdminPlugin", "NudgesPlugin", "PrivacyPlugin", "ThanksPlugin", "DashboardPlugin",
                "RapportDashboard", log, metrics,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "RapportCLI",
            dependencies: [
                "RapportApp", "RapportCore", "RapportConsole", "RapportReciprocity", "RapportStorePostgres", "RapportStoreSQLite", "NudgesPlugin",
                log,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "RapportCLITests", dependencies: ["RapportCLI"]),
        .testTarget(
            name: "RapportAppTests",
            dependencies: [
                "RapportApp", "RapportConsole", "RapportPluginHost", "RapportTesting", "RapportCore", "RapportStorePostgres",
                "RapportStoreSQLite", "RapportIRC", "RapportServerTesting", log, .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "RapportCoreTests", dependencies: ["RapportCore", "RapportTesting", "RapportStoreSQLite", metricsTestKit]),
        .testTarget(name: "RapportStoreSQLiteTests", dependencies: ["RapportStoreSQLite", "RapportTesting"]),
        .testTarget(
            name: "RapportStorePostgresTests",
            dependencies: ["RapportStorePostgres", "RapportStoreSQLite", "RapportTesting", "RapportCore", "RapportMatrixCrypto", log, metricsTestKit]
        ),
        .testTarget(
            name: "RapportHTTPTests",
            dependencies: [
                "RapportHTTP", "RapportTesting", "RapportCore", "RapportStoreSQLite", "ThanksPlugin", "NudgesPlugin", log,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "RapportReciprocity", dependencies: ["RapportCore"], exclude: ["Training"]),
        .testTarget(name: "RapportReciprocityTests", dependencies: ["RapportReciprocity"]),
        .systemLibrary(name: "COlm", pkgConfig: "olm", providers: [.apt(["libolm-dev"])]),
        .target(name: "RapportMatrixCrypto", dependencies: ["COlm", "RapportCore", log]),
        .testTarget(
            name: "RapportMatrixCryptoTests", dependencies: ["RapportMatrixCrypto", "RapportCore", "RapportTesting", "RapportStoreSQLite"]),
        .target(
            name: "RapportMatrix",
            dependencies: [
                "RapportCore", "RapportMatrixCrypto", ahc, log, nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RapportMatrixTests",
            dependencies: [
                "RapportMatrix", "RapportMatrixCrypto", "RapportCore", "RapportTesting", "RapportStoreSQLite", "RapportServerTesting",
                "CorePlugin", "ThanksPlugin", "NudgesPlugin", log,
            ]
        ),
        fuzzTarget("FuzzPluginLine", dependencies: ["RapportPluginHost"]),
        fuzzTarget("FuzzSyncBody", dependencies: ["RapportMatrix", "RapportCore", nioCore]),
        fuzzTarget("FuzzConfiguration", dependencies: ["RapportApp", "RapportCore"]),
    ]
        + plugin("core", module: "CorePlugin")
        + plugin("admin", module: "AdminPlugin", testDependencies: ["CorePlugin"])
        + plugin(
            "nudges", module: "NudgesPlugin", dependencies: ["RapportReciprocity"],
            testDependencies: ["RapportServerTesting", "RapportIRC", "RapportMatrix", "RapportStoreSQLite", log])
        + plugin("privacy", module: "PrivacyPlugin", testDependencies: ["NudgesPlugin", "ThanksPlugin"])
        + plugin("thanks", module: "ThanksPlugin", dependencies: ["RapportReciprocity"], testDependencies: ["PrivacyPlugin", "RapportServerTesting", "RapportIRC", "RapportMatrix", "RapportStoreSQLite", log])
        + plugin("dashboard", module: "DashboardPlugin", testDependencies: ["AdminPlugin", "RapportStoreSQLite"]),
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
