import Foundation
import Testing

@testable import RapportIRC

/// Sign-in and STS on the state machine: what the bot does when a login cannot happen, when a
/// server claims success without proof, and when a server announces an STS policy.
struct AdversarialSignInTests {
    static func scram(required: Bool = true) -> IRCConfiguration {
        IRCConfiguration(host: "h", tls: false, nick: "rapport", sasl: .init(mechanism: .scramSHA256, password: "pencil", required: required))
    }

    /// A session that has sent `AUTHENTICATE SCRAM-SHA-256` and had the server's first `+`.
    static func scramUnderWay() throws -> SessionHarness {
        var h = SessionHarness(scram())
        _ = h.start()
        try h.receive(":s CAP * LS :sasl")
        #expect(SessionHarness.lines(try h.receive(":s CAP * ACK :sasl")) == ["AUTHENTICATE SCRAM-SHA-256"])
        #expect(SessionHarness.lines(try h.receive("AUTHENTICATE +")).first?.hasPrefix("AUTHENTICATE biws") == true)
        return h
    }

    static func failure(_ actions: [IRCSessionStateMachine.Action]) -> IRCConnectorError? {
        actions.compactMap { if case .fail(let e) = $0 { e } else { nil } }.first
    }

    @Test("a required mechanism the server does not list: QUIT with a reason and stop, never a bare close")
    func requiredMechanismNotOffered() throws {
        var h = SessionHarness(Self.scram())
        _ = h.start()
        let actions = try h.receive(":s CAP * LS :sasl=PLAIN,EXTERNAL server-time")
        #expect(SessionHarness.lines(actions) == ["QUIT :SASL SCRAM-SHA-256 not offered"])
        #expect(Self.failure(actions)?.code == .saslUnavailable)
        #expect(Self.failure(actions)?.message.contains("offers only PLAIN,EXTERNAL") == true)
    }

    @Test("an optional mechanism the server does not list: say so and go on with CAP END")
    func optionalMechanismNotOffered() throws {
        var h = SessionHarness(Self.scram(required: false))
        _ = h.start()
        let actions = try h.receive(":s CAP * LS :sasl=PLAIN")
        #expect(actions.contains { if case .log(.warning, let text) = $0 { text.contains("not offered") } else { false } })
        #expect(SessionHarness.lines(actions) == ["CAP END"])
    }

    @Test("908 (mechanism list) fails a required login with a QUIT")
    func mechanismListFailsRequiredLogin() throws {
        var h = try Self.scramUnderWay()
        let actions = try h.receive(":s 908 rapport PLAIN :are available SASL mechanisms")
        #expect(SessionHarness.lines(actions) == ["QUIT :SASL login failed"])
        #expect(Self.failure(actions)?.code == .saslRefused)
        #expect(SessionHarness.lines(try h.receive(":s 904 rapport :SASL authentication failed")).isEmpty)
    }

    @Test("attack: 903 before the server proved it knows the password is not a login")
    func successWithoutServerSignature() throws {
        var h = try Self.scramUnderWay()
        let actions = try h.receive(":s 903 rapport :SASL authentication successful")
        #expect(Self.failure(actions)?.message.contains("did not prove that it knows the password") == true)
        #expect(SessionHarness.lines(actions) == ["QUIT :SASL login failed"])
    }

    @Test("attack: a SCRAM payload that never ends is cut off")
    func endlessPayload() throws {
        var h = try Self.scramUnderWay()
        var actions: [IRCSessionStateMachine.Action] = []
        for _ in 0..<30 where Self.failure(actions) == nil {
            actions = try h.receive("AUTHENTICATE " + String(repeating: "A", count: 400))
        }
        #expect(SessionHarness.lines(actions) == ["AUTHENTICATE *", "QUIT :SASL login failed"])
        #expect(Self.failure(actions)?.message.contains("too long") == true)
    }

    @Test func saslExchangeChunksAt400Bytes() {
        #expect(SASLExchange.lines(for: []).map { $0.serialized() } == ["AUTHENTICATE +"])
        let exact = SASLExchange.lines(for: [UInt8](repeating: 0, count: 300))  // 400 base64 bytes
        #expect(exact.map { $0.parameters[0].count } == [400, 1])
        #expect(exact.last?.parameters == ["+"])
        #expect(SASLExchange.lines(for: [UInt8](repeating: 0, count: 301)).map { $0.parameters[0].count } == [400, 4])
    }

    // MARK: - STS

    @Test("STS on a plain connection: QUIT and move to TLS on the policy's port, requesting nothing")
    func stsUpgradesPlainConnections() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", tls: false, nick: "rapport"))
        _ = h.start()
        let actions = try h.receive(":s CAP * LS :server-time sts=port=6697,duration=300")
        #expect(SessionHarness.lines(actions) == ["QUIT :Switching to TLS (STS)"])
        #expect(actions.contains(.upgradeToTLS(port: 6697)))
    }

    @Test("STS on a secure connection: the duration is kept and the port ignored")
    func stsDurationOnSecureConnections() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", tls: true, nick: "rapport"))
        _ = h.start()
        let actions = try h.receive(":s CAP * LS :server-time sts=port=7000,duration=300")
        #expect(actions.contains(.keepSTSPolicy(duration: 300)))
        #expect(!actions.contains { if case .upgradeToTLS = $0 { true } else { false } })
        #expect(SessionHarness.lines(actions) == ["CAP REQ server-time"])
    }

    @Test("STS values", arguments: [
        ("port=6697,duration=300", STSPolicy(port: 6697, duration: 300)), ("duration=0", STSPolicy(duration: 0)),
        ("port=99999,duration=x", STSPolicy()), ("preload,port=7000", STSPolicy(port: 7000)), ("", STSPolicy()),
    ])
    func stsValues(_ value: String, _ policy: STSPolicy) {
        #expect(STSPolicy(value) == policy)
    }
}
