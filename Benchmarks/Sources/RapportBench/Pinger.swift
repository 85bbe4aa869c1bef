import Foundation
import RapportIRC

/// The probe user of the load benchmark: sends `!ping` in the channel every 100 ms and times
/// the bot's `pong`. One ping is outstanding at a time; one unanswered for a second is lost.
struct Pinger {
    let socket: LineSocket
    let channel: String
    let botNick: String
    private(set) var latencies: [Double] = []
    private(set) var lost = 0

    init(socket: LineSocket, channel: String, botNick: String) {
        self.socket = socket
        self.channel = channel
        self.botNick = botNick
    }

    /// Pings every 100 ms until `done()` says the load is over.
    mutating func run(until done: () -> Bool) throws {
        var next = ContinuousClock.now
        while !done() {
            if let latency = try ping(timeout: 1) { latencies.append(latency) } else { lost += 1 }
            next += .milliseconds(100)
            let now = ContinuousClock.now
            if next > now { Thread.sleep(forTimeInterval: LoadBenchmark.seconds(next - now)) } else { next = now }
        }
    }

    /// One more ping after the load, allowed 60 s: the seconds until the bot has caught up.
    func drain() throws -> Double {
        guard let latency = try ping(timeout: 60) else { throw LineSocket.Failure(description: "no pong within 60 s after the load") }
        return latency
    }

    /// Sends `!ping`; returns the seconds until the bot's `pong`, or `nil` after `timeout` seconds.
    private func ping(timeout: Double) throws -> Double? {
        let sent = ContinuousClock.now
        try socket.send("PRIVMSG \(channel) :!ping")
        let reply = try socket.read(within: timeout) { message in
            message.command == "PRIVMSG" && message.sourceNick == botNick && message.parameters.last == "pong"
        }
        return reply == nil ? nil : LoadBenchmark.seconds(ContinuousClock.now - sent)
    }

    /// p50/p90/p99/max of the answered pings and how many were lost.
    var summary: String {
        let sorted = latencies.sorted()
        func ms(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        return String(format: "!ping latency over %d pings: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d unanswered",
            sorted.count, ms(0.5), ms(0.9), ms(0.99), (sorted.last ?? .nan) * 1000, lost)
    }
}
