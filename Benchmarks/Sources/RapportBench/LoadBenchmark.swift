import BenchmarkInputs
import Foundation
import RapportIRC

/// End to end through a real InspIRCd on loopback: `users` clients send `messages` channel
/// messages in total at `rate` per second while a probe sends `!ping` every 100 ms; the `rapport`
/// binary runs as its own process, and its CPU time and memory come from `/proc`.
struct LoadBenchmark {
    var rapport = ".build/release/rapport"
    var serverScript = "deploy/servers/inspircd.sh"
    var corpus = UbuntuCorpus.defaultDirectory
    var messages = 100_000
    var users = 20
    var rate = 2_000.0
    /// Plugins switched off in the bot's configuration, to see what the rest costs.
    var disabled: [String] = []
    /// The bot's `irc.quick_ack`.
    var quickAck = true
    /// Whether ``FloorBot`` (this program) stands in for `rapport`.
    var floor = false
    /// The channel and the bot's nick (``FloorBot`` uses them too).
    static let channel = "#load"
    static let botNick = "rapport"

    /// Reads `--rapport PATH --server-script PATH --corpus DIR --messages N --users N --rate N
    /// --disable PLUGIN[,PLUGIN…] --quick-ack true|false --floor`.
    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let key = rest.popFirst() {
            if key == "--floor" {
                floor = true
                continue
            }
            guard let value = rest.popFirst() else { throw LineSocket.Failure(description: "\(key) needs a value") }
            switch key {
            case "--rapport": rapport = value
            case "--server-script": serverScript = value
            case "--corpus": corpus = value
            case "--messages": messages = try Self.number(value, key)
            case "--users": users = try Self.number(value, key)
            case "--rate": rate = Double(try Self.number(value, key))
            case "--disable": disabled = value.split(separator: ",").map(String.init)
            case "--quick-ack":
                guard let on = Bool(value) else { throw LineSocket.Failure(description: "--quick-ack needs true or false") }
                quickAck = on
            default: throw LineSocket.Failure(description: "unknown option \(key)")
            }
        }
    }

    private static func number(_ text: String, _ key: String) throws -> Int {
        guard let n = Int(text), n > 0 else { throw LineSocket.Failure(description: "\(key) needs a positive number") }
        return n
    }

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-load-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Kept after a failure, for the server's and the bot's logs; removed last otherwise.
        var succeeded = false
        defer { if succeeded { try? FileManager.default.removeItem(atPath: dir) } }
        let port = try startServer(dir)
        defer { _ = try? shell("'\(serverScript)' stop '\(dir)'") }

        let probe = try LineSocket.user(nick: "probe", port: port, channel: Self.channel, deaf: false)
        let configPath = dir + "/rapport.yaml"
        try config(port: port, dir: dir).write(toFile: configPath, atomically: true, encoding: .utf8)
        let (binary, command) = floor ? ("/proc/self/exe", "floor-bot") : (rapport, "run")
        let bot = try BotProcess.start(binary: binary, arguments: [command], config: configPath, log: dir + "/rapport.log")
        defer { bot.stop() }
        guard try probe.read(within: 60, until: { $0.command == "JOIN" && $0.sourceNick == Self.botNick }) != nil else {
            throw LineSocket.Failure(description: "the bot did not join \(Self.channel) within 60 s (log: \(dir)/rapport.log)")
        }
        try bot.waitUntilIdle()
        let idleRSS = try bot.memoryMB("VmRSS")

        let senders = Senders(count: users)
        let texts = Self.texts(corpus: corpus, avoiding: Self.botNick)
        for index in 0..<users {
            Thread.detachNewThread { senders.run(index) { try sendShare(index, port: port, texts: texts, senders: senders) } }
        }
        try senders.waitUntilReady()
        say("bot pid \(bot.pid) in \(Self.channel), idle RSS \(String(format: "%.1f", idleRSS)) MB; \(users) senders joined")

        let cpuBefore = try bot.cpuSeconds()
        senders.start()
        var pinger = Pinger(socket: probe, channel: Self.channel, botNick: Self.botNick)
        try pinger.run { senders.finished }
        let sendSeconds = try senders.waitUntilDone()
        let drain = try pinger.drain()
        try bot.waitUntilIdle()
        let cpu = try bot.cpuSeconds() - cpuBefore
        say(String(format: "%d messages from %d users in %.1f s (%.0f/s); the bot answered a !ping sent after the last one in %.0f ms",
            messages, users, sendSeconds, Double(messages) / sendSeconds, drain * 1000))
        say(String(format: "bot CPU (user+sys): %.2f s = %.2f s per 100,000 messages", cpu, cpu * 100_000 / Double(messages)))
        say(String(format: "bot RSS: idle %.1f MB, peak (VmHWM) %.1f MB", idleRSS, try bot.memoryMB("VmHWM")))
        say(pinger.summary)
        succeeded = true
    }

    // MARK: - Setup

    private func startServer(_ dir: String) throws -> Int {
        let (status, output) = try shell("'\(serverScript)' start '\(dir)'")
        guard status == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("IRC_PORT=") }),
            let port = Int(line.dropFirst("IRC_PORT=".count))
        else { throw LineSocket.Failure(description: "\(serverScript) start failed (exit \(status)):\n\(output)") }
        return port
    }

    /// The bot's configuration: plain TCP, no SASL, and limits high enough that flood control
    /// and the per-person command limit never hold back the probe's 10 pings a second.
    func config(port: Int, dir: String) -> String {
        """
        bot:
          nick: \(Self.botNick)
          owners: []
          command_burst: 100
          commands_per_second: 100
          plugin_output_burst: 100
          plugin_output_per_second: 100
        storage:
          sqlite: \(dir)/rapport.sqlite
        logging:
          level: warning
        networks:
          - name: load
            irc:
              host: 127.0.0.1
              port: \(port)
              tls: false
              nick: \(Self.botNick)
              channels: ["\(Self.channel)"]
              flood: { burst: 100, per_second: 100 }
              quick_ack: \(quickAck)
        plugins: {\(disabled.map { "\($0): { enabled: false }" }.joined(separator: ", "))}

        """
    }

    /// Chat lines from the corpus (or made up without one) that are neither commands nor addressed to the bot.
    static func texts(corpus: String, avoiding nick: String) -> [String] {
        let lines = UbuntuCorpus.chatLines(under: corpus).map(\.text)
            .filter { !$0.hasPrefix("!") && !$0.lowercased().contains(nick) && $0.utf8.count < 400 }
        return lines.isEmpty ? (0..<1000).map { "message \($0) about installing packages on ubuntu" } : lines
    }

    // MARK: - Sending

    func messagesFor(_ index: Int) -> Int {
        messages / users + (index < messages % users ? 1 : 0)
    }

    /// Connects user `index`, waits for the start, then sends its share at `rate / users` lines
    /// a second, in batches every 5 ms.
    private func sendShare(_ index: Int, port: Int, texts: [String], senders: Senders) throws {
        let socket = try LineSocket.user(nick: String(format: "user%02d", index + 1), port: port, channel: Self.channel, deaf: true)
        let start = senders.ready()
        let count = messagesFor(index)
        let perSecond = rate / Double(users)
        var next = 0
        while next < count {
            let due = min(count, Int(Self.seconds(ContinuousClock.now - start) * perSecond) + 1)
            if due > next {
                try socket.send((next..<due).map { "PRIVMSG \(Self.channel) :\(texts[($0 * users + index) % texts.count])" })
                next = due
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// Runs `command` with bash; returns its exit status and combined output. The output goes
/// through a file (servers the command starts in the background would keep a pipe open), and
/// the child is waited for with `waitpid` (Foundation's `Process` hung here once the servers ran).
func shell(_ command: String) throws -> (Int32, String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-load-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let words: [String] = ["/bin/bash", "-c", "\(command) >'\(output)' 2>&1 </dev/null"]
    var arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for argument in arguments { free(argument) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/bash", nil, nil, &arguments, environ) == 0 else { throw LineSocket.Failure(description: "cannot run bash") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    return ((status >> 8) & 0xFF, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
}
