import Foundation
import RapportCore
import RapportTesting
import Testing

/// An owner administers the bot in a real headless chromium with JavaScript switched off:
/// signs in from a `!dashboard` link, switches a plugin off in one channel, meets a refused
/// setting, sets a good one, makes an admin who then signs in, and reads the audit log; every
/// page is photographed at phone width (390 px) and desktop width into
/// `.build/test-artifacts/dashboard/administration` (the path is printed).
@Suite(.timeLimit(.minutes(5)), .serialized)
struct DashboardAdministrationBrowserTests {
    static let artifacts = DashboardBrowserTests.artifacts + "/administration"
    let dashboard = DashboardBrowserTests()
    let owner = DashboardBrowserTests.owner

    /// Saves `name`-390.png and `name`-1280.png of the page open now.
    func photograph(_ browser: WebDriver, _ name: String) async throws {
        for (width, height) in [(390, 844), (1280, 900)] {
            try await browser.resize(width: width, height: height)
            try await browser.screenshot(to: "\(Self.artifacts)/\(name)-\(width).png")
        }
    }

    /// The commands `!help` offers bob in `channel`.
    func help(_ chat: PluginHarness, in channel: String) async throws -> [String] {
        let answer = try await chat.say("!help", as: "bob", in: channel).joined()
        let list = try #require(answer.split(separator: ".").first?.split(separator: ":").last)
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func anOwnerAdministersTheBotFromTheBrowserWithoutJavaScript() async throws {
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        print("dashboard screenshots: \(Self.artifacts)")
        try await dashboard.withDashboard { chat, base, time in
            let link = try await dashboard.signInLink(chat, as: owner, base: base, at: time.now)
            try await WebDriver.withBrowser(javascript: false) { browser in
                try await browser.open(link)
                try await browser.click("#sign-in")
                #expect(try await browser.title(becoming: "Channels · Rapport") == "Channels · Rapport")
                try await photograph(browser, "help-activity")

                // Plugins: thanks off in #rapport only; !help there stops offering its commands.
                #expect(try await help(chat, in: "#rapport").contains("top"))
                try await browser.open("\(base)/dashboard/plugins?network=test&channel=%23rapport")
                try await photograph(browser, "plugins")
                try await browser.submit("#disable-thanks-here")
                #expect(try await browser.text(of: "#notice") == "thanks is now off in #rapport.")
                #expect(try await browser.text(of: "#plugin-thanks .here") == "off")
                #expect(try await !help(chat, in: "#rapport").contains("top"))
                #expect(try await help(chat, in: "#other").contains("top"))

                // Settings: a bad value is refused with !config's own words; a good one is used.
                let chatRefusal = try await chat.say("!config set thanks.top_size 500 #rapport", as: owner, account: owner)
                try await browser.open("\(base)/dashboard/settings?plugin=thanks&network=test&channel=%23rapport")
                try await browser.type("500", into: "#value-top_size")
                try await browser.submit("#save-top_size")
                #expect(try await browser.text(of: "#notice") == chatRefusal.first)
                #expect(try await browser.text(of: "#notice") == "top_size must be at most 20.")
                #expect(try await browser.text(of: "#setting-top_size .value") == "5")
                try await photograph(browser, "settings-refused")
                try await browser.open("\(base)/dashboard/settings?plugin=core&network=test&channel=%23rapport")
                try await browser.type("?", into: "#value-prefix")
                try await browser.submit("#save-prefix")
                #expect(try await browser.text(of: "#notice") == "core.prefix = ? in #rapport.")
                #expect(try await browser.text(of: "#setting-prefix .source") == "(set in #rapport)")
                try await photograph(browser, "settings")
                #expect(try await chat.say("?ping", as: "bob", in: "#rapport") == ["pong"])
                #expect(try await chat.say("?ping", as: "bob", in: "#other") == [])
                try await browser.submit("#reset-prefix")
                #expect(try await browser.text(of: "#notice") == "core.prefix is back to its default in #rapport.")
                #expect(try await chat.say("!ping", as: "bob", in: "#rapport") == ["pong"])

                // People: dave becomes an admin.
                try await browser.open("\(base)/dashboard/people")
                try await browser.type("irc:test:dave", into: "#add-admin-identity")
                try await browser.submit("#add-admin")
                #expect(try await browser.text(of: "#notice") == "irc:test:dave is now a bot admin.")
                try await photograph(browser, "people")
                for page in ["channels", "health"] {
                    try await browser.open("\(base)/dashboard/\(page)")
                    try await photograph(browser, page)
                }
                #expect(try await browser.text(of: "#version") == RapportVersion.current)

                // Signing out ends the session: the dashboard no longer opens.
                try await browser.click("#sign-out")
                #expect(try await browser.title(becoming: "Signed out · Rapport") == "Signed out · Rapport")
                try await browser.open("\(base)/dashboard/plugins")
                #expect(try await browser.title == "Not signed in · Rapport")
            }

            // Dave signs in with his own link and reads the audit log of all of that.
            let davesLink = try await dashboard.signInLink(chat, as: "dave", base: base, at: time.now)
            try await WebDriver.withBrowser(javascript: false) { browser in
                try await browser.open(davesLink)
                try await browser.click("#sign-in")
                #expect(try await browser.title(becoming: "Channels · Rapport") == "Channels · Rapport")
                try await browser.open("\(base)/dashboard/audit")
                let audit = try await browser.text(of: "ol.audit")
                for made in ["plugin.disable thanks in #rapport on the web", "config.set core.prefix = ? in #rapport on the web",
                    "config.unset core.prefix in #rapport on the web", "admin.add irc:test:dave on the web"]
                {
                    #expect(audit.contains("irc:test:alice \(made)"), "\(made)")
                }
                #expect(audit.contains("config.set dashboard.public_url"), "the change made in chat is there too")
                try await photograph(browser, "audit")
                try await browser.type("core", into: "input[name=plugin]")
                try await browser.submit("#filter")
                let filtered = try await browser.text(of: "ol.audit")
                #expect(filtered.contains("core.prefix") && !filtered.contains("thanks") && !filtered.contains("admin.add"))
            }
        }
    }
}
