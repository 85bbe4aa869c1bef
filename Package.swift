// swift-tools-version: 6.1
import PackageDescription

/// A built-in plugin lives in `plugins/<id>/{Sources,Tests}`, beside its README.
func plugin(_ id: String, module: String, dependencies: [Target.Dependency] = []) -> [Target] {
    [
        .target(
            name: module,
            dependencies: ["RapportCore"] + dependencies,
            path: "plugins/\(id)/Sources"
        ),
        .testTarget(
            name: "\(module)Tests",
            dependencies: [.target(name: module), "RapportTesting"],
            path: "plugins/\(id)/Tests"
        ),
    ]
}

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let ahc: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "Rapport",
    platforms: [.macOS(.v15)],
    products: [

        .library(name: "RapportCore", targets: ["RapportCore"]),
        .library(name: "RapportMatrix", targets: ["RapportMatrix"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        .target(name: "RapportCore", dependencies: [log]),
        .target(
            name: "RapportMatrix",
            dependencies: [
                "RapportCore", ahc, log, nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]),
        .testTarget(name: "RapportMatrixTests", dependencies: ["RapportMatrix", "RapportCore", log], exclude: ["human.py"]),
        .executableTarget(name: "RapportMatrixBenchmarks", dependencies: ["RapportMatrix", "RapportCore", nioCore, log]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
