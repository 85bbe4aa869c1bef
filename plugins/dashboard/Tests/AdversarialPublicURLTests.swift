import AdminPlugin
import DashboardPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// A channel operator (or an admin) tries to send an admin's sign-in link to their own site by
/// overriding `dashboard.public_url`: only an owner may set it, and only for the whole bot.
struct AdversarialPublicURLTests {
    static let realURL = "https://rapport.example.org"
    static let configuration = BotConfiguration(
        owners: [.irc(network: "test", account: "root")],
        plugins: ["dashboard": .init(values: ["public_url": .string(realURL)])])

    func chat(store: (any Store)? = nil) async throws -> PluginHarness {
        let chat = try await PluginHarness(
            [PluginRegistration(DashboardPlugin.self), PluginRegistration(AdminPlugin.self)], configuration: Self.configuration, store: store)
        #expect(try await chat.say("!admin add irc:test:ada", as: "root", account: "root", in: nil) == ["irc:test:ada is now a bot admin."])
        return chat
    }

    /// The link the admin `ada` gets by DM after `!dashboard` in #test.
    func adminsLink(_ chat: PluginHarness) async throws -> String {
        let sent = try await chat.send(
            ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("ada", account: "ada"), kind: .message(ChatMessage("!dashboard"))))
        let dm = try #require(sent.first { if case .user = $0.target { true } else { false } })
        return try #require(dm.text.split(separator: " ").last.map(String.init))
    }

    @Test func anOperatorCannotRedirectTheSignInLinkOfTheirChannel() async throws {
        let chat = try await chat()
        let refusal = "dashboard.public_url can only be set everywhere, by a bot owner."
        #expect(try await chat.say("!config set dashboard.public_url https://evil.example #test", as: "op", operator: true) == [refusal])
        // Nor may an admin, or an owner for one channel.
        #expect(try await chat.say("!config set dashboard.public_url https://evil.example", as: "ada", account: "ada") == [refusal])
        #expect(try await chat.say("!config set dashboard.public_url https://evil.example #test", as: "root", account: "root") == [refusal])
        #expect(try await chat.say("!config unset dashboard.public_url", as: "ada", account: "ada") == [refusal])
        #expect(try await adminsLink(chat).hasPrefix(Self.realURL + "/signin/"))
        // The owner, for the whole bot: accepted.
        #expect(try await chat.say("!config set dashboard.public_url https://new.example.org", as: "root", account: "root")
            == ["dashboard.public_url = https://new.example.org everywhere."])
        #expect(try await adminsLink(chat).hasPrefix("https://new.example.org/signin/"))
        await chat.stop()
    }

    @Test func aChannelOverrideKeptFromBeforeTheFixIsIgnored() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        await chat.stop()
        // What `!config set dashboard.public_url https://evil.example #test` by an operator stored before.
        try await store.setValue("\"https://evil.example\"", forKey: "setting/dashboard/public_url/test/#test", in: "rapport")
        let restarted = try await PluginHarness(
            [PluginRegistration(DashboardPlugin.self), PluginRegistration(AdminPlugin.self)], configuration: Self.configuration, store: store)
        #expect(try await adminsLink(restarted).hasPrefix(Self.realURL + "/signin/"))
        #expect(try await restarted.say("!config get dashboard.public_url", as: "op", operator: true) == ["dashboard.public_url = \(Self.realURL)"])
        await restarted.stop()
    }
}
