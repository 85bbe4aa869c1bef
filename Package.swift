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

let package = Package(
    name: "Rapport",
    platforms: [.macOS(.v15)],
    products: [

        .library(name: "RapportCore", targets: ["RapportCore"]),
        .library(name: "RapportReciprocity", targets: ["RapportReciprocity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .target(name: "RapportCore", dependencies: [log]),
        .target(name: "RapportReciprocity", dependencies: ["RapportCore"], exclude: ["Training"]),
        .testTarget(name: "RapportReciprocityTests", dependencies: ["RapportReciprocity"]),
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
