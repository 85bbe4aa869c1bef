import RapportApp
import RapportCore
import Testing

/// The `http:` section: where the endpoint listens and where dashboard links point.
struct HTTPConfigurationTests {
    let loader = ConfigurationLoader(descriptors: BuiltInPlugins.all.map(\.descriptor), environment: [:])

    @Test func dashboardLinksFollowThePublicURL() throws {
        let (_, bot) = try loader.parse("http: { listen: '127.0.0.1:9400', public_url: 'https://rapport.example.org' }", file: "test.yaml")
        #expect(bot.plugins["dashboard"]?.values["public_url"] == .string("https://rapport.example.org"))
    }

    @Test func withoutAPublicURLLinksUseTheListenAddress() throws {
        let (_, bot) = try loader.parse("http: { listen: '127.0.0.1:9400' }", file: "test.yaml")
        #expect(bot.plugins["dashboard"]?.values["public_url"] == .string("http://127.0.0.1:9400"))
    }

    @Test func aPublicURLMustBeAWebAddress() {
        for bad in ["rapport.example.org", "ftp://example.org", "https://", "https://example.org/?a=b"] {
            #expect(loader.problem("http: { public_url: '\(bad)' }")?.path == "http.public_url", "\(bad)")
        }
        #expect(loader.problem("http: { public_uri: 'https://example.org' }")?.path == "http.public_uri")
    }
}
