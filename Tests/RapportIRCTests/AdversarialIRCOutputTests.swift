import Foundation
import Logging
import MetricsTestKit
import RapportCore
import Testing

@testable import RapportIRC

/// Floods that try to make the IRC connector send or hold more than its limits allow.
struct AdversarialIRCOutputTests {
    @Test("a flood of CTCP VERSION and PING queries gets at most a burst of answers")
    func ctcpFloodIsLimited() throws {
        var h = SessionHarness()
        try h.register()
        var answers: [String] = []
        for i in 0..<100 {
            let query = i.isMultiple(of: 2) ? "VERSION" : "PING \(i)"
            answers += SessionHarness.lines(try h.receive(":sock\(i)!m@evil PRIVMSG rapport :\u{01}\(query)\u{01}"))
        }
        #expect(answers.count == 3)
        h.now += 5
        #expect(SessionHarness.lines(try h.receive(":late!m@evil PRIVMSG rapport :\u{01}VERSION\u{01}")).count == 1, "one more every five seconds")
    }

    @Test("the chat lane drops its oldest lines past its cap; protocol lines are never dropped")
    func chatLaneIsCapped() {
        let now = Date()
        var queue = IRCOutputQueue(burst: 100, perSecond: 100, now: now, capacity: 10)
        let dropped = (0..<15).map { queue.enqueue(IRCMessage("PRIVMSG", "#c", "line \($0)"), priority: false) }.reduce(0, +)
        queue.enqueue(IRCMessage("PONG", "irc.test"), priority: true)
        #expect(dropped == 5)
        #expect(queue.pendingChat == 10)
        var sent: [String] = []
        while case .send(let line) = queue.next(now: now, registered: true) { sent.append(line.serialized()) }
        #expect(sent == ["PONG irc.test"] + (5..<15).map { "PRIVMSG #c :line \($0)" })
    }

    @Test("a connector whose queue is filled past its cap while offline drops and counts the excess")
    func connectorCountsDroppedLines() async throws {
        let metrics = TestMetrics()
        let connector = IRCConnector(
            network: "test", configuration: IRCConfiguration(host: "127.0.0.1", nick: "rapport"), logger: Logger(label: "test"),
            metrics: RapportMetrics(factory: metrics))
        let flood = (1...600).map { "line \($0)" }.joined(separator: "\n")
        try await connector.send(OutgoingMessage(to: .channel("#c"), text: flood))
        #expect(try metrics.expectCounter("rapport_outgoing_dropped_total", [("network", "test")]).totalValue == 88)
        #expect(await connector.queue.pendingChat == 512)
    }
}
