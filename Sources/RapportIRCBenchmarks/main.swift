import Foundation
import RapportIRC

// Parser throughput on real chat text: every `[hh:mm] <nick> text` line of the Ubuntu IRC
// corpus, wrapped as a tagged PRIVMSG as InspIRCd sends it to a bot with server-time,
// message-tags and account-tag.
//
//   swift run -c release RapportIRCBenchmarks [path-to-ubuntu-irc]

let root = CommandLine.arguments.dropFirst().first ?? "../shared/data/ubuntu-irc"
let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
    .filter { $0.hasSuffix(".raw.txt") }.sorted()
var lines: [[UInt8]] = []
for file in files {
    guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { continue }
    for line in text.split(separator: "\n") {
        guard line.hasPrefix("["), let open = line.firstIndex(of: "<"), let close = line.firstIndex(of: ">"), open < close else { continue }
        let nick = line[line.index(after: open)..<close]
        let body = line[line.index(after: close)...].drop { $0 == " " }
        let n = lines.count
        let wire = "@time=2011-05-29T19:\(String(format: "%02d", n % 60)):00.\(String(format: "%03d", n % 1000))Z;msgid=Rk7\(n)xQ;account=\(nick) "
            + ":\(nick)!~\(nick)@user/\(nick) PRIVMSG #ubuntu :\(body)"
        lines.append(Array(wire.utf8))
    }
}
guard !lines.isEmpty else {
    print("no lines found under \(root)")
    exit(1)
}
let bytes = lines.reduce(0) { $0 + $1.count }
print("IRC parser benchmark: \(lines.count) lines (\(bytes / lines.count) bytes average) from \(files.count) files")

func run(_ label: String, seconds: Double, _ body: () -> Int) {
    var total = 0
    let start = Date()
    var rounds = 0
    while Date().timeIntervalSince(start) < seconds {
        total += body()
        rounds += 1
    }
    let elapsed = Date().timeIntervalSince(start)
    print(String(format: "%@: %.2f M lines/s (%.0f MB/s, %d rounds, %.1f s)", label, Double(total) / elapsed / 1e6,
        Double(bytes * rounds) / elapsed / 1e6, rounds, elapsed))
}

var sink = 0
run("parse", seconds: 3) {
    var ok = 0
    for line in lines {
        if case .success(let m) = line.withUnsafeBufferPointer({ IRCMessageParser.result($0) }) { ok &+= m.parameters.count }
    }
    sink &+= ok
    return lines.count
}
let messages = lines.compactMap { line in line.withUnsafeBufferPointer { try? IRCMessageParser.result($0).get() } }
run("serialize", seconds: 2) {
    var n = 0
    for message in messages { n &+= message.serialized().utf8.count }
    sink &+= n
    return messages.count
}
print("(checksum \(sink % 1000))")
