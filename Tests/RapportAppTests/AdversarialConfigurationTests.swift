import Foundation
import RapportApp
import RapportCore
import Testing

/// Configuration files that would make the loader show a secret (found by Fuzz/FuzzConfiguration).
struct AdversarialConfigurationTests {
    let loader = ConfigurationLoader(
        descriptors: BuiltInPlugins.all.map(\.descriptor), environment: ["IRC_PASSWORD": "hunter2-irc", "DB_PASSWORD": "pg-pass-42"])

    /// A setting's check quotes the value it refuses; before the fix that value was the secret,
    /// printed by `rapport check-config` and logged when a reload (SIGHUP) refused the file.
    @Test("a secret put in a setting that refuses it is named, never shown, in the error")
    func secretInARefusedSettingIsNotShown() throws {
        let error = try #require(loader.problem("plugins: { nudges: { thank_after: '${IRC_PASSWORD}' } }"))
        #expect(!error.description.contains("hunter2-irc"))
        #expect(error.problem.contains("${IRC_PASSWORD}"))
    }

    @Test("a secret inside a longer value that is refused is not shown either")
    func secretInsideARefusedValueIsNotShown() throws {
        let error = try #require(loader.problem("bot: { owners: ['irc:${DB_PASSWORD}'] }\nplugins: { core: { prefix: 'x${DB_PASSWORD}x${IRC_PASSWORD}' } }"))
        #expect(!error.description.contains("pg-pass-42") && !error.description.contains("hunter2-irc"))
    }

    /// Found by the fuzz run: `.inf`, `.nan`, zero or a negative number reached the connectors
    /// as a timer or a rate (a PING never sent, a flood bucket that never refills).
    @Test(
        "durations and rates must be finite and above zero",
        arguments: [
            ("networks: [{ name: a, irc: { host: h, ping_interval: VALUE } }]", "networks[0].irc.ping_interval"),
            ("networks: [{ name: a, irc: { host: h, ping_timeout: VALUE } }]", "networks[0].irc.ping_timeout"),
            ("networks: [{ name: a, irc: { host: h, connect_timeout: VALUE } }]", "networks[0].irc.connect_timeout"),
            ("networks: [{ name: a, irc: { host: h, reconnect: { min: VALUE } } }]", "networks[0].irc.reconnect.min"),
            ("networks: [{ name: a, irc: { host: h, flood: { per_second: VALUE } } }]", "networks[0].irc.flood.per_second"),
            ("bot: { commands_per_second: VALUE }", "bot.commands_per_second"),
            ("bot: { plugin_output_per_second: VALUE }", "bot.plugin_output_per_second"),
        ])
    func nonPositiveDurationsAndRatesAreRefused(yaml: String, path: String) throws {
        for value in [".inf", ".nan", "-1", "0"] {
            let error = try #require(loader.problem(yaml.replacingOccurrences(of: "VALUE", with: value)), "\(path) = \(value)")
            #expect(error.path == path && error.problem.contains("above zero"), "\(error)")
        }
        #expect(loader.problem(yaml.replacingOccurrences(of: "VALUE", with: "2.5")) == nil)
    }
}
