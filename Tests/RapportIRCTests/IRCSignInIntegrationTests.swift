import Foundation
import Logging
import RapportCore
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import RapportIRC

/// Sign-in and STS against the real InspIRCd 3 + Atheme of `deploy/servers/inspircd.sh`:
/// ECDSA-NIST256P-CHALLENGE with Atheme's own module, a mechanism the server does not offer,
/// and IRCv3 STS with InspIRCd's `ircv3_sts` (`IRC_STS=yes`).
@Suite(.timeLimit(.minutes(3)))
struct IRCSignInIntegrationTests {
    static func run(_ connector: IRCConnector) -> Task<Void, any Error> {
        Task { try await connector.run(events: RecordingSink()) }
    }

    static func connector(_ config: IRCConfiguration, store: (any Store)? = nil) -> IRCConnector {
        IRCConnector(network: "signin", configuration: config, store: store, logger: Logger(label: "test"))
    }

    @Test("ECDSA-NIST256P-CHALLENGE with a key made by openssl and registered with NickServ SET PUBKEY")
    func ecdsaChallengeSignsIn() async throws {
        try await withIRCServer(.inspircd) { server in
            let keyFile = server.dir + "/ecdsa.pem"
            let made = try await runProgram("/usr/bin/openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-out", keyFile])
            #expect(made.status == 0, "\(made.output)")
            let signer = try ECDSAChallengeSigner(pemFile: keyFile)
            let owner = try await TestIRCClient.connect(port: server.port, nick: "keyowner")
            try await owner.send("PRIVMSG NickServ :IDENTIFY rapport rapportpass")
            _ = try await owner.waitFor { $0.command == "900" }
            try await owner.send("PRIVMSG NickServ :SET PUBKEY \(signer.publicKeyForNickServ)")
            _ = try await owner.waitFor { $0.command == "NOTICE" && ($0.parameters.last ?? "").lowercased().contains("public key") }
            await owner.close()

            var config = IRCIntegrationTests.config(server, nick: "ecdsabot", channels: [])
            config.sasl = .init(mechanism: .ecdsaNIST256PChallenge, username: "rapport", keyFile: keyFile)
            let connector = Self.connector(config)
            let task = Self.run(connector)
            defer { task.cancel() }
            try await eventually("registered", timeout: 20) { await connector.isConnected() }
            #expect(await connector.loggedInAccount() == "rapport")
        }
    }

    @Test("a required mechanism the server does not offer: the connector stops with a clear error after QUIT")
    func requiredMechanismNotOfferedStops() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = IRCIntegrationTests.config(server, nick: "scrambot", channels: [])
            config.sasl = .init(mechanism: .scramSHA256, username: "rapport", password: "rapportpass")
            let connector = Self.connector(config)
            let error = await #expect(throws: IRCConnectorError.self) { try await connector.run(events: RecordingSink()) }
            #expect(error?.code == .saslUnavailable)
            #expect(error?.message.contains("offers only PLAIN,EXTERNAL,ECDSA-NIST256P-CHALLENGE") == true)
            #expect(await connector.registrations == 0)
        }
    }

    @Test("an optional mechanism the server does not offer: the bot goes on without a login")
    func optionalMechanismNotOfferedGoesOn() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = IRCIntegrationTests.config(server, nick: "scrambot", channels: [])
            config.sasl = .init(mechanism: .scramSHA256, username: "rapport", password: "rapportpass", required: false)
            let connector = Self.connector(config)
            let task = Self.run(connector)
            defer { task.cancel() }
            try await eventually("registered", timeout: 20) { await connector.isConnected() }
            #expect(await connector.loggedInAccount() == nil)
        }
    }

    @Test("STS: a plain connection moves to TLS, the policy is stored, and a restart never tries plain text")
    func stsUpgradesAndPersists() async throws {
        try await withIRCServer(.inspircd, options: ["IRC_STS": "yes"]) { server in
            let storePath = server.dir + "/store.sqlite"
            var config = IRCIntegrationTests.config(server, nick: "stsbot", channels: [])
            config.host = "localhost"  // the policy is for SNI name localhost
            config.tlsPinSHA256 = try await server.serverCertificateSHA256()
            config.tlsVerify = true
            #expect(!config.tls)
            let first = Self.connector(config, store: try SQLiteStore(path: storePath))
            let task = Self.run(first)
            try await eventually("registered over TLS", timeout: 20) { await first.isConnected() }
            #expect(await first.session?.configuration.tls == true)
            #expect(await first.session?.configuration.port == server.tlsPort)
            try await eventually("policy stored", timeout: 5) {
                try await STSPolicyStore(store: SQLiteStore(path: storePath)).policy(for: "localhost", now: Date())?.port == server.tlsPort
            }
            task.cancel()
            _ = await task.result

            // After a restart, with the plain port pointing nowhere: only the policy's TLS port can work.
            config.port = 1
            let second = Self.connector(config, store: try SQLiteStore(path: storePath))
            let again = Self.run(second)
            defer { again.cancel() }
            try await eventually("registered over TLS at once", timeout: 20) { await second.isConnected() }
            #expect(await second.session?.configuration.port == server.tlsPort)
        }
    }

    @Test("attack: an STS upgrade to a certificate that fails verification never connects, nor falls back to plain text")
    func stsUpgradeWithBadCertificateNeverFallsBack() async throws {
        try await withIRCServer(.inspircd, options: ["IRC_STS": "yes"]) { server in
            var config = IRCIntegrationTests.config(server, nick: "stsbot", channels: [])
            config.host = "localhost"
            config.tlsVerify = true  // the server's certificate is self-signed: verification fails
            let connector = Self.connector(config)
            let task = Self.run(connector)
            defer { task.cancel() }
            try await eventually("the upgrade is in force", timeout: 20) { await connector.stsPolicy?.port == server.tlsPort }
            try await Task.sleep(for: .seconds(3))  // several reconnect attempts (backoff 0.3...1 s)
            #expect(await connector.registrations == 0)
            let next = await connector.connectionConfiguration()
            #expect(next.tls && next.port == server.tlsPort)
        }
    }

    @Test func stsPoliciesAreStoredPerHostExpireAndAreRemovedByDurationZero() async throws {
        let policies = STSPolicyStore(store: try SQLiteStore())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await policies.keep(.init(port: 6697, expires: now.addingTimeInterval(60)), for: "IRC.Example.org")
        #expect(try await policies.policy(for: "irc.example.org", now: now)?.port == 6697)
        #expect(try await policies.policy(for: "other.example.org", now: now) == nil)
        #expect(try await policies.policy(for: "irc.example.org", now: now.addingTimeInterval(61)) == nil)
        #expect(try await policies.policy(for: "irc.example.org", now: now) == nil)  // the expired one was removed
        try await policies.keep(.init(port: 6697, expires: now.addingTimeInterval(60)), for: "irc.example.org")
        try await policies.keep(nil, for: "irc.example.org")
        #expect(try await policies.policy(for: "irc.example.org", now: now) == nil)
    }
}
