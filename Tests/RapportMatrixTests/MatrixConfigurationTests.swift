import Foundation
import Logging
import Testing
@testable import RapportMatrix

struct MatrixConfigurationTests {
    func decode(_ json: String) throws -> MatrixConfiguration {
        try JSONDecoder().decode(MatrixConfiguration.self, from: Data(json.utf8))
    }

    @Test func defaults() throws {
        let config = try decode(#"{"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"}"#)
        #expect(config.deviceName == "Rapport")
        #expect(config.rooms.isEmpty && config.allowInvitesFrom.isEmpty)
        #expect(config.operatorPowerLevel == 50)
        #expect(config.replyMsgtype == .notice)
        #expect(config.syncTimeout == 30 && config.timelineLimit == 50)
    }

    @Test("encoding writes every key it decodes")
    func encodingRoundTrip() throws {
        let json = """
            {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw",
             "access_token": "tok", "device_name": "D", "rooms": ["#a:example.org"], "allow_invites_from": ["*:example.org"],
             "operator_power_level": 100, "reply_msgtype": "m.text", "sync_timeout": 10, "timeline_limit": 20,
             "encryption": {"enabled": true, "pickle_key": "0123456789abcdef"}}
            """
        let config = try decode(json)
        let original = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let encoded = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
        #expect(Set(encoded.keys) == Set(original.keys))
        #expect(try decode(String(decoding: JSONEncoder().encode(config), as: UTF8.self)) == config)
        let minimal = try decode(#"{"homeserver": "http://h", "user_id": "@b:h", "access_token": "t"}"#)
        let minimalKeys = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(minimal)) as? [String: Any]).keys
        #expect(Set(minimalKeys) == Set(original.keys).subtracting(["password"]))
    }

    @Test("invalid sections are refused with the reason", arguments: [
        #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org"}"#,
        #"{"homeserver": "matrix.example.org", "user_id": "@bot:example.org", "password": "pw"}"#,
        #"{"homeserver": "https://m.example.org", "user_id": "bot", "password": "pw"}"#,
        #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org", "password": "pw", "reply_msgtype": "m.emote"}"#,
        #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org", "password": "pw", "timeline_limit": 0}"#,
        #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org", "password": "pw", "encryption": {"enabled": true}}"#,
        #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org", "password": "pw", "encryption": {"enabled": true, "pickle_key": "short"}}"#,
    ])
    func invalid(json: String) {
        #expect(throws: DecodingError.self) { try decode(json) }
    }

    @Test func secretsNeverInDescriptions() throws {
        let config = try decode(
            #"{"homeserver": "https://m.example.org", "user_id": "@bot:example.org", "password": "hunter2", "access_token": "syt_secret", "encryption": {"enabled": true, "pickle_key": "pickle-secret-0123456789"}}"#)
        #expect(config.encryption.pickleKey == "pickle-secret-0123456789")
        let client = MatrixClient(homeserver: config.homeserver, accessToken: config.accessToken, logger: .init(label: "t"))
        let secrets = ["hunter2", "syt_secret", "pickle-secret"]
        for text in [config.description, config.debugDescription, "\(config)", String(reflecting: config), "\(client)", String(reflecting: client)] {
            #expect(!secrets.contains { text.contains($0) })
        }
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!secrets.contains { dumped.contains($0) })
    }

    @Test("allow_invites_from patterns", arguments: [
        (["@alice:example.org"], "@alice:example.org", true),
        (["@alice:example.org"], "@alice:evil.org", false),
        (["*:example.org"], "@anyone:example.org", true),
        (["*:example.org"], "@x:notexample.org", false),
        (["*"], "@x:y", true),
        ([], "@alice:example.org", false),
    ])
    func allowInvites(patterns: [String], inviter: String, allowed: Bool) {
        let config = MatrixConfiguration(homeserver: URL(string: "http://h")!, userID: "@b:h", password: "p", allowInvitesFrom: patterns)
        #expect(config.allowsInvite(from: inviter, roomID: "!r:h") == allowed)
    }
}
