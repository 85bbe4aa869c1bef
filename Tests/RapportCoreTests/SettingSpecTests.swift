import Foundation
import RapportCore
import Testing

struct SettingSpecTests {
    @Test func durationsParseAndPrintAsTyped() {
        #expect(Duration(chatText: "20m") == .seconds(1200))
        #expect(Duration(chatText: "1h30m") == .seconds(5400))
        #expect(Duration(chatText: "1d") == .seconds(86400))
        #expect(Duration(chatText: "2w") == .seconds(1_209_600))
        #expect(Duration(chatText: "45") == .seconds(45))
        #expect(Duration(chatText: "soon") == nil)
        #expect(Duration(chatText: "5x") == nil)
        #expect(Duration(chatText: "10m5") == nil)
        #expect(Duration.seconds(5400).chatText == "1h30m")
        #expect(Duration.seconds(0).chatText == "0s")
    }

    @Test func chatValuesAreParsedByKind() throws {
        #expect(try SettingSpec("on", .bool, default: .bool(false), help: "").parse("ON") == .bool(true))
        #expect(try SettingSpec("n", .int, default: .int(1), help: "", minimum: 0).parse(" 7 ") == .int(7))
        #expect(try SettingSpec("d", .duration, default: .int(60), help: "").parse("2h") == .int(7200))
        #expect(try SettingSpec("l", .list, default: .list([]), help: "").parse("a, b,,c") == .list(["a", "b", "c"]))
        #expect(try SettingSpec("c", .choice, default: .string("x"), help: "", choices: ["PRIVMSG", "NOTICE"]).parse("notice") == .string("NOTICE"))
    }

    @Test func badValuesAreRefusedWithTheReason() {
        #expect(throws: SettingError("n must be a whole number, not 'lots'.")) {
            try SettingSpec("n", .int, default: .int(1), help: "").parse("lots")
        }
        #expect(throws: SettingError("n must be at least 1.")) {
            try SettingSpec("n", .int, default: .int(1), help: "", minimum: 1).parse("0")
        }
        #expect(throws: SettingError("d must be at most 1d.")) {
            try SettingSpec("d", .duration, default: .int(60), help: "", maximum: 86400).parse("2d")
        }
        #expect(throws: SettingError("b must be on or off, not 'maybe'.")) {
            try SettingSpec("b", .bool, default: .bool(true), help: "").parse("maybe")
        }
        #expect(throws: SettingError("b must be on or off, not 3.")) {
            try SettingSpec("b", .bool, default: .bool(true), help: "").validate(.int(3))
        }
    }

    @Test func whereAndByWhomASettingMayChange() throws {
        let url = SettingSpec("public_url", .string, default: .string(""), help: "", reach: .global, role: .owner)
        let channel = Scope.channel(network: "test", channel: "#test")
        let refusal = SettingError("dashboard.public_url can only be set everywhere, by a bot owner.")
        #expect(throws: refusal) { try url.checkChange("dashboard", in: channel, by: .owner) }
        #expect(throws: refusal) { try url.checkChange("dashboard", in: .network("test"), by: .owner) }
        #expect(throws: refusal) { try url.checkChange("dashboard", in: .everywhere, by: .admin) }
        try url.checkChange("dashboard", in: .everywhere, by: .owner)
        #expect(!url.reaches(channel) && url.reaches(.everywhere))

        let text = SettingSpec("thank_text", .string, default: .string(""), help: "", role: .admin)
        #expect(throws: SettingError("nudges.thank_text can only be set by a bot admin.")) {
            try text.checkChange("nudges", in: channel, by: .channelOperator)
        }
        try text.checkChange("nudges", in: channel, by: .admin)
        let interval = SettingSpec("delivery_interval", .duration, default: .int(60), help: "", reach: .global)
        #expect(throws: SettingError("nudges.delivery_interval can only be set everywhere, by a bot admin.")) {
            try interval.checkChange("nudges", in: channel, by: .channelOperator)
        }
    }

    @Test func aManifestDeclaresScopeAndRoleOrGetsTheDefaults() throws {
        let decoded = try JSONDecoder().decode(
            [SettingSpec].self,
            from: Data(#"[{"key":"hook","type":"string","default":"","help":"","scope":"global","role":"owner"},{"key":"n","type":"int","default":1,"help":""}]"#.utf8))
        #expect(decoded.map(\.reach) == [.global, .channel])
        #expect(decoded.map(\.role) == [.owner, .channelOperator])
        #expect(try JSONDecoder().decode(SettingSpec.self, from: JSONEncoder().encode(decoded[0])) == decoded[0])
    }

    @Test func fileSettingsAreValidatedWithTheirKeyPath() {
        let descriptor = PluginDescriptor(
            id: "thanks", summary: "", settings: [SettingSpec("daily_cap", .int, default: .int(3), help: "", minimum: 1)])
        let bad = BotConfiguration(plugins: ["thanks": .init(values: ["daily_cap": .string("many")])])
        #expect(throws: SettingError("plugins.thanks.daily_cap: daily_cap must be a whole number, not 'many'.")) {
            try bad.validated(against: [descriptor])
        }
        let unknown = BotConfiguration(plugins: ["thanks": .init(values: ["colour": .string("red")])])
        #expect(throws: SettingError("plugins.thanks.colour: unknown setting (known: enabled, daily_cap).")) {
            try unknown.validated(against: [descriptor])
        }
        let noPlugin = BotConfiguration(networkPlugins: ["libera": ["karma": .init(enabled: true)]])
        #expect(throws: SettingError("networks[libera].plugins.karma: there is no plugin 'karma' (known: thanks).")) {
            try noPlugin.validated(against: [descriptor])
        }
    }
}
