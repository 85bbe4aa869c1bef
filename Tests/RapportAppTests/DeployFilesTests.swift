import Foundation
import RapportApp
import RapportTesting
import Testing
import Yams

/// The files in deploy/ that cannot run here (no Docker engine, no systemd as PID 1) are
/// parsed and checked for what matters: systemd's own verifier and security analysis, the
/// Dockerfile's stages and pins, the compose file's services, wiring and published ports.
struct DeployFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    // MARK: - systemd

    /// The unit with its binary path pointed at the built `rapport`, so `verify` checks a real executable.
    func unitCopy() throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let unit = try text("deploy/rapport.service").replacingOccurrences(
            of: "/usr/local/bin/rapport", with: try RapportProcess.executable.path)
        let path = folder.appendingPathComponent("rapport.service").path
        try unit.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, folder)
    }

    @Test func systemdUnitVerifiesCleanly() async throws {
        let (path, folder) = try unitCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await TestPostgres.run("/usr/bin/systemd-analyze", ["verify", path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.isEmpty, "systemd-analyze verify complains: \(result.errors)")
    }

    @Test func systemdUnitIsHardened() async throws {
        let (path, folder) = try unitCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Exposure 0–10 as systemd scores it; the threshold is in tenths. 2.0 is "OK".
        let result = try await TestPostgres.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--threshold=20", path])
        #expect(result.status == 0, "exposure above 2.0:\n\(result.output.split(separator: "\n").suffix(3).joined(separator: "\n"))")

        var service: [String: [String]] = [:]
        var section = ""
        for line in try text("deploy/rapport.service").split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = String(line) } else if section == "[Service]", let eq = line.firstIndex(of: "=") {
                service[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
            }
        }
        #expect(service["User"] == ["rapport"])
        #expect(service["ProtectSystem"] == ["strict"])
        #expect(service["NoNewPrivileges"] == ["yes"])
        #expect(service["StateDirectory"] == ["rapport"])
        #expect(service["WorkingDirectory"] == ["/var/lib/rapport"], "the default ./data/ path lands in the state directory")
        #expect(service["KillSignal"] == ["SIGTERM"])
        #expect(service["ExecStart"]?.first?.hasSuffix("run --config /etc/rapport/rapport.yaml") == true)
        #expect(service["ReadWritePaths"] == nil, "only the state directory is writable")
    }

    // MARK: - Dockerfile

    struct Instruction {
        var keyword: String
        var arguments: String
    }

    /// Instructions with continuation lines joined and comments dropped.
    func instructions(_ dockerfile: String) -> [Instruction] {
        var result: [Instruction] = []
        var pending = ""
        for raw in dockerfile.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let full = pending + line
            pending = ""
            guard let space = full.firstIndex(of: " ") else { continue }
            result.append(Instruction(keyword: full[..<space].uppercased(), arguments: String(full[full.index(after: space)...])))
        }
        return result
    }

    @Test func dockerfileIsMultiStageAndPinned() throws {
        let steps = instructions(try text("deploy/Dockerfile"))
        var args: [String: String] = [:]
        for step in steps where step.keyword == "ARG" {
            let parts = step.arguments.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { args[parts[0]] = parts[1] }
        }
        func resolve(_ image: String) -> String {
            image.hasPrefix("${") ? args[String(image.dropFirst(2).dropLast())] ?? image : image
        }
        let stages = steps.filter { $0.keyword == "FROM" }.map { step -> (image: String, name: String?) in
            let words = step.arguments.split(separator: " ").map(String.init)
            return (resolve(words[0]), words.count == 3 && words[1].uppercased() == "AS" ? words[2] : nil)
        }
        #expect(stages.count >= 2, "multi-stage")
        #expect(stages.allSatisfy { $0.name != nil }, "every stage is named")
        for stage in stages {
            let tag = stage.image.split(separator: ":").dropFirst().first.map(String.init)
            #expect(tag != nil && tag != "latest", "\(stage.image) is pinned to a version")
        }
        let builder = try #require(stages.first)
        #expect(builder.image.hasPrefix("swift:6."), "built with Swift 6")
        let runtime = try #require(stages.last)
        #expect(!runtime.image.hasPrefix("swift:"), "the runtime image carries no compiler")

        let stageNames = Set(stages.compactMap(\.name))
        for step in steps where step.keyword == "COPY" {
            let words = step.arguments.split(separator: " ").map(String.init)
            if let from = words.first(where: { $0.hasPrefix("--from=") }) {
                #expect(stageNames.contains(String(from.dropFirst(7))), "COPY \(from) names a stage")
            } else {
                for source in words.dropLast() where !source.hasPrefix("--") {
                    #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(source).path), "COPY source \(source) exists")
                }
            }
        }
        let build = steps.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: "\n")
        #expect(build.contains("swift build -c release"))
        let lastStage = steps.split { $0.keyword == "FROM" }.last ?? []
        let user = lastStage.last { $0.keyword == "USER" }?.arguments
        #expect(user != nil && user?.hasPrefix("root") == false && user?.hasPrefix("0") == false, "runs unprivileged")
        let entrypoint = try #require(lastStage.last { $0.keyword == "ENTRYPOINT" }?.arguments)
        #expect((try? JSONSerialization.jsonObject(with: Data(entrypoint.utf8))) as? [String] == ["/usr/local/bin/rapport"], "exec form")
        #expect(lastStage.contains { $0.keyword == "STOPSIGNAL" && $0.arguments == "SIGTERM" })

        let irc = instructions(try text("deploy/compose/irc.Dockerfile"))
        for step in irc where step.keyword == "FROM" {
            let image = String(step.arguments.split(separator: " ")[0])
            #expect(image.contains(":") && !image.hasSuffix(":latest"), "\(image) is pinned")
        }
    }

    // MARK: - compose

    @Test func composeBringsUpEverythingWiredTogether() throws {
        let compose = try #require(try Yams.load(yaml: try text("deploy/compose.yaml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: [String: Any]])
        #expect(Set(services.keys).isSuperset(of: ["postgres", "irc", "synapse", "rapport"]))
        let volumes = Set((compose["volumes"] as? [String: Any])?.keys.map { $0 } ?? [])

        for (name, service) in services {
            #expect(service["image"] != nil || service["build"] != nil, "\(name) has an image or a build")
            if let image = service["image"] as? String, service["build"] == nil {
                let tag = image.split(separator: ":").dropFirst().first
                #expect(tag != nil && tag != "latest", "\(name): \(image) is pinned")
            }
            if let build = service["build"] as? [String: Any] {
                let context = Self.root.appendingPathComponent("deploy").appendingPathComponent(build["context"] as? String ?? ".")
                let dockerfile = context.appendingPathComponent(build["dockerfile"] as? String ?? "Dockerfile")
                #expect(FileManager.default.fileExists(atPath: dockerfile.path), "\(name): \(dockerfile.path) exists")
            }
            let dependsOn = (service["depends_on"] as? [String: Any]).map { Array($0.keys) } ?? (service["depends_on"] as? [String] ?? [])
            for dependency in dependsOn { #expect(services[dependency] != nil, "\(name) depends on an existing service \(dependency)") }
            for port in service["ports"] as? [String] ?? [] {
                #expect(port.hasPrefix("127.0.0.1:"), "\(name) publishes \(port) on loopback only")
            }
            for mount in service["volumes"] as? [String] ?? [] {
                let source = String(mount.split(separator: ":")[0])
                if source.hasPrefix(".") || source.hasPrefix("/") {
                    let path = Self.root.appendingPathComponent("deploy").appendingPathComponent(source).path
                    #expect(FileManager.default.fileExists(atPath: path), "\(name) mounts \(source), which exists")
                } else {
                    #expect(volumes.contains(source), "\(name) uses the declared volume \(source)")
                }
            }
            for (key, value) in service["environment"] as? [String: Any] ?? [:] where key.contains("PASSWORD") {
                #expect((value as? String)?.hasPrefix("${") == true, "\(name).\(key) comes from the environment, not the file")
            }
        }
        let rapport = try #require(services["rapport"])
        let waits = try #require(rapport["depends_on"] as? [String: [String: String]])
        #expect(waits["postgres"]?["condition"] == "service_healthy", "the bot waits for a ready database")
        #expect(services["postgres"]?["healthcheck"] != nil)
    }

    @Test func composeConfigurationLoads() throws {
        let loader = ConfigurationLoader(
            descriptors: BuiltInPlugins.all.map(\.descriptor), environment: ["RAPPORT_DB_PASSWORD": "pw-from-env"])
        let (file, _) = try loader.load(Self.root.appendingPathComponent("deploy/compose/rapport.yaml").path)
        #expect(file.storage.postgres == "postgres://rapport:pw-from-env@postgres:5432/rapport?sslmode=disable")
        #expect(file.http?.listen == "0.0.0.0:9300")
        _ = try loader.load(Self.root.appendingPathComponent("deploy/rapport.example.yaml").path)
    }

    @Test func ircTemplatesShareTheLinkSettings() throws {
        let inspircd = try text("deploy/compose/inspircd.conf.in")
        let atheme = try text("deploy/compose/atheme.conf.in")
        #expect(inspircd.contains(#"<link name="services.rapport.local" ipaddr="127.0.0.1" port="7000""#))
        #expect(inspircd.contains(#"<bind address="127.0.0.1" port="7000" type="servers">"#))
        #expect(atheme.contains("port = 7000;") && atheme.contains(#"uplink "irc.rapport.local""#))
        #expect(inspircd.components(separatedBy: "@LINK_PASSWORD@").count == 3)
        #expect(atheme.components(separatedBy: "@LINK_PASSWORD@").count == 3)
        let entrypoint = try text("deploy/compose/irc-entrypoint.sh")
        #expect(entrypoint.contains("inspircd.conf.in") || entrypoint.contains("$name.conf.in"))
    }
}
