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
}
