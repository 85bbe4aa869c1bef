import Foundation
import RapportApp
import RapportCore
import RapportPluginHost
import Testing

struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(
        descriptors: BuiltInPlugins.all.map(\.descriptor), environment: ["RAPPORT_SECRET": "hunter2", "PREFIX": "."])

    func problem(_ yaml: String) -> ConfigurationError? { loader.problem(yaml) }

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
        #expect(problem("networks: [{ name: a, irc: { host: h } }, { name: a, irc: { host: h } }]")?.path == "networks[1].name")
    }

    @Test func networksAreIRCOrMatrix() {
        #expect(problem("networks: [{ name: a, irc: { host: irc.example.org, port: 6697, sasl: { password: '${RAPPORT_SECRET}' } } }]") == nil)
        #expect(problem("networks: [{ name: a }]")?.problem == "say which kind of network: add an irc or a matrix section.")
        #expect(problem("networks: [{ name: a, irc: { host: h, port: many } }]")?.path == "networks[0].irc.port")
        #expect(problem("networks: [{ name: a, irc: { host: h, colour: red } }]")?.path == "networks[0].irc.colour")
        #expect(problem("networks: [{ name: m, matrix: { homeserver: 'http://127.0.0.1:8008', user_id: '@bot:localhost', password: x } }]") == nil)
        let secret = problem("networks: [{ name: a, irc: { host: h, sasl: { password: '${RAPPORT_SECRET}', mechanism: NOPE } } }]")
        #expect(secret != nil && secret?.description.contains("hunter2") == false)
    }

    @Test func externalPluginsAreDeclaredWithACommandLine() throws {
        let (file, bot) = try loader.parse(
            "external_plugins: [{ id: dice, command: [python3, dice.py], timeout: 5, environment: { SIDES: '6' } }]\nplugins: { dice: { sides: 6 } }",
            file: "test.yaml")
        #expect(file.externalPlugins.first?.command == ["python3", "dice.py"])
        #expect(file.externalPlugins.first?.environment == ["SIDES": "6"])
        #expect(bot.plugins["dice"]?.values["sides"] == .int(6))
        #expect(problem("external_plugins: [{ id: dice, command: [x], colour: red }]")?.path == "external_plugins[0].colour")
        #expect(problem("external_plugins: [{ id: dice }]")?.path == "external_plugins[0].command")
        #expect(problem("external_plugins: [{ id: Dice!, command: [x] }]") == ConfigurationError(file: "test.yaml", path: "external_plugins[0]", problem: "id must be lower-case letters, digits, - or _."))
        #expect(problem("external_plugins: [{ id: core, command: [x] }]")?.problem == "'core' is the id of a built-in plugin (and its store namespace); choose another id.")
        #expect(problem("external_plugins: [{ id: rapport, command: [x] }]")?.problem == "id 'rapport' is reserved for the bot's own data (ids starting with 'rapport'); choose another id.")
        #expect(problem("external_plugins: [{ id: dice, command: [x] }, { id: dice, command: [y] }]")?.problem == "another plugin is already called 'dice'.")
        #expect(problem("bot: { plugin_output_burst: 3, plugin_output_per_second: 1.5 }") == nil)
    }
}
