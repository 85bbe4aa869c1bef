import DashboardPlugin
import RapportCore
import RapportTesting
import Testing

struct DashboardPluginTests {
    @Test func withoutAWebEndpointTheCommandSaysSoInsteadOfSendingADeadLink() async throws {
        let chat = try await PluginHarness(
            [PluginRegistration(DashboardPlugin.self)], configuration: BotConfiguration(owners: [.irc(network: "test", account: "root")]))
        let answer = try await chat.say("!dashboard", as: "root", account: "root")
        #expect(answer == ["The dashboard is not served: the configuration file needs an http: section (see the README)."])
        #expect(await chat.connector.takeSent().allSatisfy { !$0.text.contains("/signin/") })
        await chat.stop()
    }
}
