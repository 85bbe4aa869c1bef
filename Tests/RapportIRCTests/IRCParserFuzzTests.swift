import Foundation
import NIOCore
import RapportCore
import Testing

@testable import RapportIRC

/// Random and mutated input: the parser must neither crash nor hang, and whatever it accepts
/// must serialize back into exactly one parseable line.
struct IRCParserFuzzTests {
    /// xorshift64*: fast and reproducible.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        /// A line shaped like IRC (optional tags and source, a command, up to three parameters)
        /// made of random runs of `alphabet`.
        mutating func grammarLine(_ alphabet: [UInt8]) -> [UInt8] {
            func chunk() -> [UInt8] { (0..<below(24)).map { _ in alphabet[below(alphabet.count)] } }
            var line: [UInt8] = []
            if below(2) == 0 { line += [UInt8(ascii: "@")] + chunk() + [0x20] }
            if below(2) == 0 { line += [UInt8(ascii: ":")] + chunk() + [0x20] }
            line += below(4) == 0 ? chunk() : Array(["PRIVMSG", "ping", "005", "12"][below(4)].utf8)
            for _ in 0..<below(4) { line += [0x20] + chunk() }
            return line
        }
    }

    /// Lines whose tags, source, target, parameter and text take every length from 0 to 19 at
    /// every offset (with ASCII, two- and three-byte tails), and their prefixes.
    static var everyFieldLengthAtEveryOffset: [[UInt8]] {
        func run(_ byte: Character, _ count: Int) -> String { String(repeating: byte, count: count) }
        var lines: [[UInt8]] = []
        for a in 0..<20 {
            for b in 0..<20 {
                for tail in ["", "é", "\u{FFFF}"] {
                    let line = "@k\(run("x", a))=\(run("v", b))\(tail);\(run("y", b))=w\\s\(run("z", a)) :\(run("s", b))\(tail) "
                        + "PRIVMSG \(run("#", a + 1)) \(run("p", b))\(tail) :\(run("t", a))\(tail)"
                    lines.append(Array(line.utf8))
                    lines.append(Array(line.utf8.prefix(a * 4 + b)))
                }
            }
        }
        return lines
    }

    static let seeds: [[UInt8]] = [
        "@time=2024-05-01T12:00:00.000Z;msgid=abc;account=alice :alice!a@host PRIVMSG #rapport :hello there",
        #"@a=b\\and\nk;c=72\s45;d=gh\:764 foo"#,
        ":irc.test 005 rapport CASEMAPPING=rfc1459 PREFIX=(qaohv)~&@%+ :are supported",
        ":irc.test CAP * LS * :sasl=PLAIN,EXTERNAL message-tags",
        ":s 354 rapport 42 #c user host nick H@ account :Real Name",
        "@batch=x :bob!b@h PRIVMSG #c :\u{01}ACTION waves\u{01}",
        "PING :token", "AUTHENTICATE +", ":s BATCH +ref chathistory #c",
    ].map { Array($0.utf8) }

    static let specials: [UInt8] = Array("@:;= \\\r\n\0!#+,\u{01}".utf8) + [0xC3, 0xFF, 0x80]

    /// 1,000,000 in release builds (`swift test -c release`); debug builds run a bounded
    /// 200,000 to keep the suite quick. `RAPPORT_FUZZ_ITERATIONS` overrides both.
    static let iterations: Int = {
        if let text = ProcessInfo.processInfo.environment["RAPPORT_FUZZ_ITERATIONS"], let n = Int(text) { return n }
        #if DEBUG
        return 200_000
        #else
        return 1_000_000
        #endif
    }()

    @Test(.timeLimit(.minutes(2)))
    func randomAndMutatedLinesNeverCrash() {
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        let specials = Self.specials
        let seeds = Self.seeds
        // Random lines are windows into one pool of noise (a third of it special bytes), so the
        // loop spends its time in the parser rather than in generating bytes.
        var pool = [UInt8](repeating: 0, count: 1 << 20)
        for i in pool.indices {
            let r = random.next()
            pool[i] = r % 3 == 0 ? specials[Int((r >> 8) % UInt64(specials.count))] : UInt8(truncatingIfNeeded: r >> 16)
        }
        var accepted = 0
        var line: [UInt8] = []
        line.reserveCapacity(1024)
        for i in 0..<Self.iterations {
            line.removeAll(keepingCapacity: true)
            let r = random.next()
            if i % 4 == 0 {
                let start = Int(r % UInt64(pool.count - 700))
                line.append(contentsOf: pool[start..<(start + Int((r >> 32) % 600))])
            } else {
                line.append(contentsOf: seeds[Int((r >> 40) % UInt64(seeds.count))])
                for m in 0..<(1 + Int(r % 6)) {
                    guard !line.isEmpty else { break }
                    let x = random.next()
                    let at = Int(x % UInt64(line.count))
                    let special = specials[Int((x >> 20) % UInt64(specials.count))]
                    switch (x >> 40) % 4 {
                    case 0: line[at] = special
                    case 1: line.insert(special, at: at)
                    case 2: line.removeSubrange(at..<min(line.count, at + m + 1))
                    default: line[at] = UInt8(truncatingIfNeeded: x >> 48)
                    }
                }
            }
            let parsed = line.withUnsafeBufferPointer { try? IRCMessageParser.result($0).get() }
            guard let message = parsed else { continue }
            accepted += 1
            if i % 16 == 0 {
                let wire = message.serialized()
                #expect(!wire.utf8.contains(0x0A) && !wire.utf8.contains(0x0D) && !wire.utf8.contains(0))
                var copy = wire
                let again = copy.withUTF8 { try? IRCMessageParser.result($0).get() }
                #expect(again?.parameters.count == message.parameters.count)
            }
        }
        #expect(accepted > Self.iterations / 10)
    }

    @Test func lineDecoderFramesAndDropsOverlongLines() {
        var decoder = IRCLineDecoder(maxLineLength: 32)
        var buffer = ByteBuffer(string: "PING :a\r\n:s 001 me :Hi\n")
        buffer.writeString(String(repeating: "x", count: 40) + "\r\nPRIVMSG #c :ok\r")
        var lines: [String] = []
        while let line = decoder.nextLine(&buffer) { lines.append(String(buffer: line)) }
        buffer.writeString("\n\r\n")
        while let line = decoder.nextLine(&buffer) { lines.append(String(buffer: line)) }
        #expect(lines == ["PING :a", ":s 001 me :Hi", "PRIVMSG #c :ok"])
        #expect(decoder.discardedLines == 1)
    }

    @Test func lineDecoderDropsAnUnterminatedFlood() {
        var decoder = IRCLineDecoder(maxLineLength: 16)
        var buffer = ByteBuffer(string: String(repeating: "y", count: 100))
        #expect(decoder.nextLine(&buffer) == nil)
        #expect(buffer.readableBytes == 0)
        buffer.writeString("tail\nPING x\n")
        #expect(decoder.nextLine(&buffer).map { String(buffer: $0) } == "PING x")
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256Digest.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)).hasPrefix("41edece42d63e8d9bf515a9ba6932e1c"))
    }

    @Test func outputQueueThrottlesChatButNotProtocolLines() {
        let start = Date(timeIntervalSince1970: 0)
        var queue = IRCOutputQueue(burst: 2, perSecond: 1, now: start)
        for i in 0..<3 { queue.enqueue(IRCMessage("PRIVMSG", "#c", "\(i)"), priority: false) }
        #expect(queue.next(now: start, registered: false) == .idle)
        queue.enqueue(IRCMessage("PONG", "x"), priority: true)
        #expect(queue.next(now: start, registered: false) == .send(IRCMessage("PONG", "x")))
        #expect(queue.next(now: start, registered: true) == .send(IRCMessage("PRIVMSG", "#c", "0")))
        #expect(queue.next(now: start, registered: true) == .send(IRCMessage("PRIVMSG", "#c", "1")))
        guard case .wait(let seconds) = queue.next(now: start, registered: true) else {
            Issue.record("expected a wait")
            return
        }
        #expect(seconds > 0.9 && seconds <= 1)
        #expect(queue.next(now: start.addingTimeInterval(1), registered: true) == .send(IRCMessage("PRIVMSG", "#c", "2")))
    }
}
