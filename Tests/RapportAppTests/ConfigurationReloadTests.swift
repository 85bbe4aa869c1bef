import Foundation
import Logging
import RapportApp
import RapportCore
import RapportTesting
import Synchronization
import Testing

/// SIGHUP re-reads the file: good files take effect at once, bad ones are refused.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct ConfigurationReloadTests {
    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func ownersAndSettingsFromTheNewFileTakeEffectAndABadFileIsRefused() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rapport.yaml").path
        let storage = "storage: { sqlite: \(folder.path)/rapport.sqlite }\n"
        try (storage + "bot: { owners: [] }").write(toFile: path, atomically: true, encoding: .utf8)
        let (file, configuration) = try RapportApplication.loadConfiguration(path)
        let connector = RecordingConnector()
        let bot = Bot(
            configuration: configuration, store: try await RapportApplication.makeStore(file.storage, logger: Logger(label: "test")), plugins: BuiltInPlugins.all,
            connectors: [connector])
        try await bot.start()
        let reloader = ConfigurationReloader(path: path, running: file, bot: bot, logger: Logger(label: "test"))
        func say(_ text: String) async -> [String] {
            await bot.receive(ChatEvent(
                network: "test", channel: "#test", sender: PluginHarness.user("root", account: "root"),
                kind: .message(ChatMessage(text))))
            await bot.settle()
            return await connector.takeSent().map(\.text)
        }
        #expect(await say("!plugin disable core #x") == ["You need to be a bot admin for that."])

        try (storage + "bot: { owners: ['irc:test:root'] }\nplugins: { core: { prefix: '?' } }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await reloader.reload())
        #expect(await say("?plugin disable core #x") == ["core is now off in #x."])
        #expect(await say("!ping") == [])
        #expect(await say("?ping") == ["pong"])

        for bad in ["bot: { owners: ['root'] }", "plugins: { core: { prefix: 3, colour: red } }", "bot: [", "nonsense: 1"] {
            try (storage + bad).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(await reloader.reload() == false, "\(bad)")
            #expect(await say("?ping") == ["pong"])
        }
        await bot.stop()
    }

    @Test func sighupReloadsARunningProcess() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rapport")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the rapport executable first: \(binary.path)")
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rapport.yaml").path
        // notice: the reload outcome is logged at that level, and the test waits for it.
        let storage = "storage: { sqlite: \(folder.path)/rapport.sqlite }\nlogging: { level: notice }\n"
        try storage.write(toFile: path, atomically: true, encoding: .utf8)

        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        let process = try ChildProcess(
            binary.path, ["console", "--config", path, "--user", "alice"],
            streams: .descriptors(
                input: input.fileHandleForReading.fileDescriptor, output: output.fileHandleForWriting.fileDescriptor,
                errors: errors.fileHandleForWriting.fileDescriptor))
        defer { process.kill() }
        // Our copies of the child's ends close, so the readers see the end of the output.
        for end in [input.fileHandleForReading, output.fileHandleForWriting, errors.fileHandleForWriting] { try? end.close() }
        let lines = LineReader(output.fileHandleForReading)
        let log = LineReader(errors.fileHandleForReading)
        func say(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data((text + "\n").utf8)) }
        /// Sends SIGHUP and waits for the log line that says how the (asynchronous) reload ended.
        func hangUp(expecting outcome: String) async throws {
            process.signal(SIGHUP)
            while let line = await log.next(), !line.hasPrefix("(nothing") {
                if line.contains("configuration reload") { #expect(line.contains(outcome), "\(line)"); return }
            }
            Issue.record("no reload log line after SIGHUP")
        }

        try say("!ping")
        #expect(await lines.next() == "<rapport> pong")
        try (storage + "plugins: { core: { prefix: '?' } }").write(toFile: path, atomically: true, encoding: .utf8)
        try await hangUp(expecting: "configuration reloaded")
        try say("!ping")
        try say("?ping")
        #expect(await lines.next() == "<rapport> pong")
        try (storage + "plugins: { core: { prefix: 3, colour: red } }").write(toFile: path, atomically: true, encoding: .utf8)
        try await hangUp(expecting: "configuration reload refused")
        try say("?version")
        #expect(await lines.next() == "<rapport> Rapport \(RapportVersion.current)")
        // End with /quit rather than closing stdin: servers that other tests start at the same
        // time may inherit the pipe's write end, so end-of-file is not a reliable signal here.
        try say("/quit")
        #expect(await process.wait(timeout: .seconds(20)) == 0, "the console ends on /quit with status 0")
    }
}

/// Lines from a pipe, read on a thread of their own; `next()` gives up after ten seconds.
final class LineReader: Sendable {
    private final class State: Sendable {
        let value = Mutex<(lines: [String], ended: Bool)>(([], false))
    }

    private let shared = State()

    init(_ handle: FileHandle) {
        let fd = handle.fileDescriptor
        let shared = self.shared
        Thread.detachNewThread {
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                buffer += chunk[0..<count]
                while let newline = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    shared.value.withLock { $0.lines.append(line) }
                    buffer.removeSubrange(...newline)
                }
            }
            shared.value.withLock { $0.ended = true }
        }
    }

    func next() async -> String? {
        for _ in 0..<500 {
            let (line, ended) = shared.value.withLock { state -> (String?, Bool) in
                state.lines.isEmpty ? (nil, state.ended) : (state.lines.removeFirst(), false)
            }
            if let line { return line }
            if ended { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return "(nothing within ten seconds)"
    }
}
