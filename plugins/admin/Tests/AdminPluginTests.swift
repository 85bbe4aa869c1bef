import AdminPlugin
import CorePlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

struct AdminPluginTests {
    static let plugins = [PluginRegistration(CorePlugin.self), PluginRegistration(AdminPlugin.self)]
    static let owners = BotConfiguration(owners: [Identity.irc(network: "test", account: "alice")])

    func chat(store: (any Store)? = nil) async throws -> PluginHarness {
        try await PluginHarness(Self.plugins, configuration: Self.owners, store: store)
    }

    @Test func nonAdminsCannotEnablePluginsOrSetConfig() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!plugin disable core", as: "mallory") == ["You need to be a bot admin for that."])
        #expect(try await chat.say("!config set core.prefix ?", as: "mallory") == ["You need to be a bot admin for that."])
        #expect(try await chat.say("!admin add irc:test:mallory", as: "mallory") == ["You need to be a bot admin for that."])
        #expect(try await chat.say("!ping", as: "mallory") == ["pong"])
    }

    @Test func aNickThatMatchesTheOwnersNickIsNotTheOwner() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!admin add irc:test:mallory", as: "alice") == ["You need to be a bot admin for that."])
        #expect(try await chat.say("!admin add irc:test:mallory", as: "mallory", account: "alice") == ["irc:test:mallory is now a bot admin."])
    }

    @Test func ownersGrantAdminsAndAdminsCannotGrant() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!admin add irc:test:bob", as: "alice", account: "alice") == ["irc:test:bob is now a bot admin."])
        #expect(try await chat.say("!admin add irc:test:carol", as: "bob", account: "bob") == ["You need to be a bot owner for that."])
        #expect(try await chat.say("!admin add bob", as: "alice", account: "alice").first?.contains("never a bare nick") == true)
        #expect(try await chat.say("!admin list", as: "bob", account: "bob") == ["Owners: irc:test:alice. Admins: irc:test:bob."])
    }

    @Test func disablingAPluginForOneChannelTakesEffectAtOnce() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!plugin disable core #test", as: "alice", account: "alice") == ["core is now off in #test."])
        #expect(try await chat.say("!ping", as: "bob") == ["The core plugin is turned off here."])
        #expect(try await chat.say("!ping", as: "bob", in: "#other") == ["pong"])
        #expect(try await chat.say("!plugin enable core #test", as: "alice", account: "alice") == ["core is now on in #test."])
        #expect(try await chat.say("!ping", as: "bob") == ["pong"])
    }

    @Test func operatorsMayChangeOnlyTheirOwnChannel() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!plugin disable core #test", as: "op", operator: true) == ["core is now off in #test."])
        #expect(try await chat.say("!plugin enable core #test", as: "op", in: "#other", operator: true) == ["You need to be a bot admin for that."].map { _ in "Operators can change their own channel: add #other at the end. Changing it everywhere needs a bot admin." })
        #expect(try await chat.say("!config set core.prefix ?", as: "op", operator: true) == ["Operators can change their own channel: add #test at the end. Changing it everywhere needs a bot admin."])
    }

    @Test func badSettingValuesAreRefusedWithTheReason() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!config set core.colour red", as: "alice", account: "alice") == ["core has no setting 'colour'. Settings: prefix."])
        #expect(try await chat.say("!config set nosuch.key 1", as: "alice", account: "alice").first?.hasPrefix("There is no plugin 'nosuch'.") == true)
        #expect(try await chat.say("!config set core", as: "alice", account: "alice") == ["Usage: config get|set|unset|list PLUGIN.KEY [VALUE] [#channel]"])
    }

    @Test func settingsAndSwitchesSurviveARestart() async throws {
        let store = try SQLiteStore()
        let first = try await chat(store: store)
        #expect(try await first.say("!config set core.prefix . #test", as: "alice", account: "alice") == ["core.prefix = . in #test."])
        #expect(try await first.say(".ping", as: "bob") == ["pong"])
        #expect(try await first.say(".admin add irc:test:bob", as: "alice", account: "alice") == ["irc:test:bob is now a bot admin."])
        await first.stop()

        let second = try await chat(store: store)
        #expect(try await second.say(".ping", as: "bob") == ["pong"])
        #expect(try await second.say("!ping", as: "bob", in: "#other") == ["pong"])
        #expect(try await second.say(".config get core.prefix", as: "bob", account: "bob") == ["core.prefix = ."])
        #expect(try await second.say(".config unset core.prefix #test", as: "bob", account: "bob") == ["core.prefix is back to its default in #test."])
        #expect(try await second.say("!ping", as: "bob") == ["pong"])
        let audit = try await second.say("!audit 10", as: "bob", account: "bob")
        #expect(audit.first?.contains("irc:test:bob config.unset core.prefix in #test") == true)
    }

    @Test func ignoredUsersGetNoAnswers() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!ignore add spam*", as: "alice", account: "alice") == ["Ignoring commands from spam*."])
        #expect(try await chat.say("!ping", as: "SpamBot3") == [])
        #expect(try await chat.say("!ping", as: "friend") == ["pong"])
    }

    @Test func joinAndPartAreRemembered() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        #expect(try await chat.say("!join #new", as: "alice", account: "alice") == ["Joining #new."])
        #expect(await chat.connector.joined == ["#new"])
        await chat.stop()
        let again = try await self.chat(store: store)
        #expect(await again.connector.joined == ["#new"])
    }
}
