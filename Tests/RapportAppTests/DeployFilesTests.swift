import Foundation
import RapportApp
import RapportCore
import RapportIRC
import RapportTesting
import Testing
import Yams

/// The files in deploy/ that cannot run here (no Docker engine, no systemd as PID 1) are
/// parsed and checked for what matters: systemd's own verifier and security analysis, the
/// Dockerfile's stages and pins, the compose file's services, wiring and published ports.
@Suite(.timeLimit(.minutes(5)))
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
        let result = try await runProgram("/usr/bin/systemd-analyze", ["verify", path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.isEmpty, "systemd-analyze verify complains: \(result.errors)")
    }

    @Test func systemdUnitIsHardened() async throws {
        let (path, folder) = try unitCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Exposure 0–10 as systemd scores it; the threshold is in tenths. 2.0 is "OK".
        let result = try await runProgram("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--threshold=20", path])
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
        let example = ConfigurationLoader(
            descriptors: BuiltInPlugins.all.map(\.descriptor),
            environment: ["RAPPORT_IRC_PASSWORD": "irc-pw", "RAPPORT_MATRIX_PASSWORD": "matrix-pw"])
        let (exampleFile, _) = try example.load(Self.root.appendingPathComponent("deploy/rapport.example.yaml").path)
        #expect(exampleFile.networks.map(\.name) == ["local", "matrix"])
        #expect(exampleFile.networks.first?.irc?.sasl?.password == "irc-pw")
    }

    /// The compose IRC image's InspIRCd and Atheme configurations, rendered as its entrypoint
    /// does and run with Debian's binaries (as in the image): services link and SASL is offered.
    @Test func composeIRCServerStartsAndLinksServices() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-irc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["bin", "inspircd", "atheme"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let ports = try await runProgram(
            "/usr/bin/env", ["python3", "-c", "import socket\nss=[socket.socket() for _ in range(2)]\n[s.bind(('127.0.0.1',0)) for s in ss]\nprint(*[s.getsockname()[1] for s in ss])"])
        let numbers = ports.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let (client, link) = (try #require(numbers.first), try #require(numbers.last))
        for name in ["inspircd", "atheme"] {
            let rendered = try text("deploy/compose/\(name).conf.in")
                .replacingOccurrences(of: "@LINK_PASSWORD@", with: "link-secret")
                .replacingOccurrences(of: "/var/lib/irc", with: folder.path)
                .replacingOccurrences(of: "port=\"6667\"", with: "port=\"\(client)\"")
                .replacingOccurrences(of: "port=\"7000\"", with: "port=\"\(link)\"")
                .replacingOccurrences(of: "port = 7000;", with: "port = \(link);")
                .replacingOccurrences(of: "<bind address=\"\"", with: "<bind address=\"127.0.0.1\"")
                .replacingOccurrences(of: "target=\"/dev/stdout\"", with: "target=\"\(folder.path)/inspircd.log\"")
            try rendered.write(to: folder.appendingPathComponent("\(name)/\(name).conf"), atomically: true, encoding: .utf8)
        }
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("atheme/services.db").path, contents: nil)
        // A copy of the binary: Debian's AppArmor profile confines /usr/sbin/inspircd to /etc/inspircd.
        let ircdBinary = folder.appendingPathComponent("bin/inspircd")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: "/usr/sbin/inspircd"), to: ircdBinary)

        func start(_ executable: URL, _ arguments: [String], log: String) throws -> ChildProcess {
            let path = folder.appendingPathComponent(log).path
            return try ChildProcess(executable.path, arguments, streams: .files(output: path, errors: path + ".errors"))
        }
        let ircd = try start(
            ircdBinary, ["--config", folder.appendingPathComponent("inspircd/inspircd.conf").path, "--nofork"]
                + (getuid() == 0 ? ["--runasroot"] : []), log: "inspircd.output")
        defer { ircd.kill() }
        let services = try start(
            URL(fileURLWithPath: "/usr/bin/atheme-services"),
            ["-n", "-c", folder.appendingPathComponent("atheme/atheme.conf").path, "-D", folder.appendingPathComponent("atheme").path,
             "-l", folder.appendingPathComponent("atheme.log").path, "-p", folder.appendingPathComponent("atheme.pid").path],
            log: "atheme.output")
        defer { services.kill() }
        let probe = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
            s.sendall(b"CAP LS 302\\r\\n")
            data = b""
            while b" LS " not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            print(data.decode(errors="replace"))
            """
        var offered = ""
        for _ in 0..<100 where !offered.contains("sasl=") {
            try await Task.sleep(for: .milliseconds(200))
            offered = (try await runProgram("/usr/bin/env", ["python3", "-c", probe, String(client)])).output
        }
        let logs = ["inspircd.output", "inspircd.output.errors", "atheme.output", "atheme.output.errors"].map { (try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) ?? "" }
        #expect(offered.contains("sasl=PLAIN,EXTERNAL"), "services linked and SASL offered; got \(offered)\n\(logs.joined(separator: "\n"))")
        #expect(ircd.isRunning && services.isRunning)
        let entrypoint = try text("deploy/compose/irc-entrypoint.sh")
        let check = try await runProgram("/bin/sh", ["-n", Self.root.appendingPathComponent("deploy/compose/irc-entrypoint.sh").path])
        #expect(check.status == 0 && entrypoint.contains("@LINK_PASSWORD@"), "the entrypoint is valid sh and renders the password")
    }
}
