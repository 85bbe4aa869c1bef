import Foundation
import NIOCore
import RapportIRC

/// Parser and serializer throughput on real chat text: every `[hh:mm] <nick> text` line of the
/// Ubuntu IRC corpus, wrapped as a tagged PRIVMSG the way InspIRCd sends it to a bot with
/// server-time, message-tags and account-tag.
enum ParserBenchmark {
    /// Every `[hh:mm] <nick> text` line of the `*.raw.txt` files under `root`.
    static func chatLines(under root: String) -> [(nick: Substring, text: Substring)] {
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".raw.txt") }.sorted()
        var lines: [(nick: Substring, text: Substring)] = []
        for file in files {
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard line.hasPrefix("["), let open = line.firstIndex(of: "<"), let close = line.firstIndex(of: ">"), open < close
                else { continue }
                lines.append((line[line.index(after: open)..<close], line[line.index(after: close)...].drop { $0 == " " }))
            }
        }
        return lines
    }

    /// The corpus lines as InspIRCd would send them to a bot.
    static func wireLines(under root: String) -> [[UInt8]] {
        chatLines(under: root).enumerated().map { n, line in
            let time = String(format: "%02d:00.%03d", n % 60, n % 1000)
            let nick = line.nick
            return Array("@time=2011-05-29T19:\(time)Z;msgid=Rk7\(n)xQ;account=\(nick) :\(nick)!~\(nick)@user/\(nick) PRIVMSG #ubuntu :\(line.text)".utf8)
        }
    }

    /// What a pass makes of each line.
    enum Depth: String, CaseIterable {
        /// ``IRCLineView`` only: the offsets, no strings.
        case view
        /// The view plus what the session reads from a channel PRIVMSG for its `ChatEvent`: the
        /// command, target, text, the nick of a user source, and the session's tags in
        /// one pass (``IRCTextTags``: time as a `Date`, msgid, account, reply, batch, bot), as
        /// `IRCSessionStateMachine.receive(_:now:)` reads them.
        case event
        /// A full ``IRCMessage`` (every field a `String`, tag and parameter arrays).
        case message
    }

    /// Prints lines/s for parsing at every depth (`seconds` each) and serializing (`seconds` × 2/3).
    static func run(root: String, seconds: Double) -> Int32 {
        let lines = wireLines(under: root)
        guard !lines.isEmpty else {
            say("no *.raw.txt lines found under \(root)")
            return 1
        }
        let buffers = lines.map { ByteBuffer(bytes: $0) }
        let bytes = lines.reduce(0) { $0 + $1.count }
        say("IRC parser benchmark: \(lines.count) lines (\(bytes / lines.count) bytes average)")
        var sink = 0
        for depth in Depth.allCases {
            let rate = measure(seconds: seconds) {
                sink &+= parse(lines, buffers, depth)
                return lines.count
            }
            say(String(format: "parse (%@): %.2f M lines/s (%.0f MB/s)", depth.rawValue, rate / 1e6, rate * Double(bytes) / Double(lines.count) / 1e6))
        }
        let messages = lines.compactMap { line in line.withUnsafeBufferPointer { try? IRCMessageParser.result($0).get() } }
        let serialize = measure(seconds: seconds * 2 / 3) {
            for message in messages { sink &+= message.serialized().utf8.count }
            return messages.count
        }
        say(String(format: "serialize: %.2f M lines/s", serialize / 1e6))
        say("(checksum \(sink % 1000))")
        return 0
    }

    /// Parses every line exactly once at `depth`, for `valgrind --tool=callgrind --toggle-collect=*parse*`.
    static func runOnce(root: String, depth: Depth) -> Int32 {
        let lines = wireLines(under: root)
        let buffers = lines.map { ByteBuffer(bytes: $0) }
        let sink = parse(lines, buffers, depth)
        say("parsed \(lines.count) lines once to \(depth.rawValue) (checksum \(sink % 1000))")
        return lines.isEmpty ? 1 : 0
    }

    /// Parses each line to `depth`; returns a checksum so nothing is optimised away. Views read
    /// `ByteBuffer`s as the connector gets them; messages, as before the view, byte arrays.
    static func parse(_ lines: [[UInt8]], _ buffers: [ByteBuffer], _ depth: Depth) -> Int {
        switch depth {
        case .view: parseViews(buffers)
        case .event: parseEventFields(buffers)
        case .message: parseMessages(lines)
        }
    }

    @inline(never)
    static func parseViews(_ lines: [ByteBuffer]) -> Int {
        var checksum = 0
        for line in lines {
            if case .success(let view) = IRCLineView.parse(line) { checksum &+= MemoryLayout.size(ofValue: view) }
        }
        return checksum
    }

    @inline(never)
    static func parseEventFields(_ lines: [ByteBuffer]) -> Int {
        var checksum = 0
        for line in lines {
            guard case .success(let view) = IRCLineView.parse(line) else { continue }
            func length(_ field: String?) -> Int { field?.utf8.count ?? 0 }
            guard view.command == "PRIVMSG" else { continue }
            guard let (target, text) = view.targetAndText else { continue }
            checksum &+= target.utf8.count &+ text.utf8.count &+ length(view.userNick)
            let tags = view.textTags
            checksum &+= length(tags.msgid) &+ length(tags.account) &+ length(tags.reply) &+ length(tags.batch)
            checksum &+= Int(tags.time?.timeIntervalSince1970 ?? 0) &+ (tags.isBot ? 1 : 0)
        }
        return checksum
    }

    /// The parser as the connector used it before the view: bytes to a full ``IRCMessage``.
    @inline(never)
    static func parseMessages(_ lines: [[UInt8]]) -> Int {
        var checksum = 0
        for line in lines {
            if case .success(let message) = line.withUnsafeBufferPointer({ IRCMessageParser.result($0) }) {
                checksum &+= message.parameters.count &+ message.tags.count
            }
        }
        return checksum
    }

    /// Calls `body` (which returns how many items it handled) for `seconds`; returns items/s.
    private static func measure(seconds: Double, _ body: () -> Int) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var total = 0
        while clock.now - start < .seconds(seconds) { total += body() }
        let elapsed = clock.now - start
        return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
