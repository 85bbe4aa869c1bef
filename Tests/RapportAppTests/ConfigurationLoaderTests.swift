import Foundation
import RapportApp
import RapportCore
import Testing

struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(
        descriptors: BuiltInPlugins.all.map(\.descriptor), environment: ["RAPPORT_SECRET": "hunter2", "PREFIX": "."])

    func problem(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try loader.parse(yaml, file: "test.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aMinimalFileLoadsWithDefaults() throws {
        let (file, bot) = try loader.parse("bot: { owners: ['irc:local:alice'] }", file: "test.yaml")
        #expect(file.bot.nick == "rapport")
        #expect(file.storage.sqlite == "./data/rapport.sqlite")
        #expect(bot.owners == [Identity.irc(network: "local", account: "alice")])
    }

    @Test func wrongTypesNameTheKey() {
        #expect(problem("bot: { command_burst: lots }") == ConfigurationError(file: "test.yaml", path: "bot.command_burst", problem: "expected a number."))
        #expect(problem("bot: { owners: alice }")?.path == "bot.owners")
        #expect(problem("networks: [{ plugins: {} }]") == ConfigurationError(file: "test.yaml", path: "networks[0].name", problem: "this key is required."))
    }

    @Test func unknownKeysAreErrors() {
        #expect(problem("bot: { nick: x, colour: red }") == ConfigurationError(file: "test.yaml", path: "bot.colour", problem: "unknown key."))
        #expect(problem("botz: {}")?.path == "botz")
        #expect(problem("networks: [{ name: a, irc_typo: {} }]")?.path == "networks[0].irc_typo")
    }

    @Test func pluginSettingsAreCheckedAgainstTheirSchema() {
        #expect(problem("plugins: { core: { prefix: 3 } }") == nil)
        #expect(problem("plugins: { core: { colour: red } }")?.problem == "plugins.core.colour: unknown setting (known: enabled, prefix).")
        #expect(problem("plugins: { nosuch: { enabled: true } }")?.problem.hasPrefix("plugins.nosuch: there is no plugin 'nosuch'") == true)
        #expect(problem("plugins: { core: { enabled: maybe } }")?.path == "plugins.core.enabled")
    }

    @Test func environmentVariablesFillInSecretsAndMissingOnesAreNamed() throws {
        let (_, bot) = try loader.parse("bot: { command_prefix: '${PREFIX}' }", file: "test.yaml")
        #expect(bot.plugins["core"]?.values["prefix"] == .string("."))
        #expect(problem("bot: { nick: '${NOT_SET}' }") == ConfigurationError(file: "test.yaml", path: "bot.nick", problem: "the environment variable NOT_SET is not set."))
    }

    @Test func errorsNeverShowSecrets() {
        let error = problem("bot: { command_burst: '${RAPPORT_SECRET}' }")
        #expect(error != nil)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func badYamlAndMissingFilesAreClearErrors() {
        #expect(problem("bot: [unclosed")?.problem.hasPrefix("this is not valid YAML") == true)
        #expect(problem("") == ConfigurationError(file: "test.yaml", path: "", problem: "the file is empty."))
        #expect(throws: ConfigurationError(file: "/no/such/rapport.yaml", path: "", problem: "there is no such file.")) {
            try loader.load("/no/such/rapport.yaml")
        }
    }

    @Test func duplicateNetworkNamesAreRefused() {
        #expect(problem("networks: [{ name: a }, { name: a }]")?.path == "networks[1].name")
    }
}
