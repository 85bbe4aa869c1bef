import Foundation
import RapportIRC
import Testing

struct IRCConfigurationTests {
    @Test func defaultsApplyWhenKeysAreMissing() throws {
        let config = try JSONDecoder().decode(IRCConfiguration.self, from: Data(#"{"host": "irc.libera.chat"}"#.utf8))
        #expect(config.port == 6697)
        #expect(config.tls && config.tlsVerify)
        #expect(config.nick == "rapport")
        #expect(config.replyStyle == .privmsg)
        #expect(config.flood == .init(burst: 5, perSecond: 1))
        #expect(config.sasl == nil)
        #expect(config.quickAck)
        let plain = try JSONDecoder().decode(IRCConfiguration.self, from: Data(#"{"host": "h", "tls": false}"#.utf8))
        #expect(plain.port == 6667)
    }

    @Test func encodingWritesEveryDecodedKey() throws {
        let json = ##"""
            {"host": "h", "port": 7000, "tls": true, "tls_verify": false, "tls_ca_file": "/ca.pem",
             "tls_pin_sha256": "ab", "client_cert": "/c.pem", "nick": "bot", "alt_nicks": ["bot_"],
             "username": "u", "realname": "R", "sasl": {"mechanism": "EXTERNAL", "username": "acc",
             "password": "pw", "required": false}, "channels": ["#a"], "reply_style": "notice",
             "flood": {"burst": 3, "per_second": 0.5}, "ping_interval": 30, "ping_timeout": 20,
             "connect_timeout": 5, "reconnect": {"min": 1, "max": 60}, "quick_ack": false}
            """##
        let input = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
        let config = try JSONDecoder().decode(IRCConfiguration.self, from: Data(json.utf8))
        let output = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? NSDictionary
        #expect(input == output)
    }

    @Test func defaultsAreEncodedToo() throws {
        let config = try JSONDecoder().decode(IRCConfiguration.self, from: Data(#"{"host": "h"}"#.utf8))
        let output = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
        #expect(Set(output.keys).isSuperset(of: ["host", "port", "tls", "tls_verify", "nick", "alt_nicks", "realname",
            "channels", "reply_style", "flood", "ping_interval", "ping_timeout", "connect_timeout", "reconnect", "quick_ack"]))
    }

    @Test("wrong types throw DecodingError", arguments: [
        #"{"host": 5}"#, #"{"host": "h", "port": "x"}"#, #"{"host": "h", "tls": "yes"}"#,
        #"{"host": "h", "sasl": {"mechanism": "SCRAM"}}"#, #"{"host": "h", "quick_ack": "yes"}"#, #"{"host": "h", "reply_style": "shout"}"#,
        ##"{"host": "h", "channels": "#a"}"##, #"{"port": 1}"#,
    ])
    func wrongTypesThrow(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IRCConfiguration.self, from: Data(json.utf8)) }
    }

    @Test func descriptionNeverShowsThePassword() {
        let config = IRCConfiguration(host: "h", sasl: .init(password: "hunter2"))
        #expect(!config.description.contains("hunter2"))
        #expect(!"\(config)".contains("hunter2"))
        #expect(config.description.contains("redacted"))
    }
}
