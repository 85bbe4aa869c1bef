import Foundation

/// The least a bot in the load benchmark can do: register, join, read the channel, answer the
/// probe's `!ping` and the server's `PING`, and acknowledge reads at most every 5 ms like
/// `irc.quick_ack` (or never, with `quick_ack: false`). `load --floor` runs it in place of
/// `rapport`, so its CPU seconds are what the kernel alone costs for the same traffic.
///
/// Started as `RapportBench floor-bot --config PATH` with the configuration the load
/// benchmark writes for the bot (its `port:` and `quick_ack:` lines are all it reads).
enum FloorBot {
    static func run(configPath: String) throws {
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        func value(_ key: String) -> Substring? {
            config.split(separator: "\n").lazy.compactMap { line -> Substring? in
                let trimmed = line.drop { $0 == " " }
                return trimmed.hasPrefix(key + ": ") ? trimmed.dropFirst(key.count + 2) : nil
            }.first
        }
        guard let port = value("port").flatMap({ Int($0) }) else { throw LineSocket.Failure(description: "no port: in \(configPath)") }
        let quickAck = value("quick_ack") != "false"
        let socket = try LineSocket.user(nick: LoadBenchmark.botNick, port: port, channel: LoadBenchmark.channel, deaf: false)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        var lastAcknowledged = ContinuousClock.now
        let ping = Array("PRIVMSG \(LoadBenchmark.channel) :!ping\r".utf8)
        while true {
            guard let count = try socket.receive(into: &chunk) else { continue }
            if quickAck, lastAcknowledged.duration(to: .now) >= .milliseconds(5) {
                socket.acknowledgeNow()
                lastAcknowledged = .now
            }
            pending.append(contentsOf: chunk[..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                let line = pending[start..<newline]
                if line.starts(with: "PING ".utf8) {
                    try socket.send("PONG " + String(decoding: line.dropFirst(5).filter { $0 != 0x0D }, as: UTF8.self))
                } else if line.count >= ping.count, line.suffix(ping.count).elementsEqual(ping) {
                    try socket.send("PRIVMSG #load :pong")
                }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
    }
}
