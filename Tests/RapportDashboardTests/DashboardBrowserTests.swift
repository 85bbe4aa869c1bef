import AdminPlugin
import AsyncHTTPClient
import CorePlugin
import DashboardPlugin
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NudgesPlugin
import Prometheus
import RapportCore
import RapportDashboard
import RapportHTTP
import RapportStoreSQLite
import RapportTesting
import ServiceLifecycle
import Testing
import ThanksPlugin

/// The dashboard as an admin uses it: `!dashboard` in chat, the link in a real headless
/// chromium and its "Sign in" button, every page, and the refusals. Screenshots go to `.build/test-artifacts/dashboard`.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct DashboardBrowserTests {
    static let owner = "alice"
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts/dashboard").path

    /// A bot with the dashboard, thanks, nudges and admin plugins on a real SQLite file, its HTTP
    /// listener on a free loopback port, and a short conversation in #rapport.
    func withDashboard(_ body: @Sendable (PluginHarness, String, ManualTime) async throws -> Void) async throws {
        let time = ManualTime()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("rapport.sqlite").path)
        let chat = try await PluginHarness(
            [PluginRegistration(CorePlugin.self), PluginRegistration(DashboardPlugin.self), PluginRegistration(ThanksPlugin.self),
             PluginRegistration(NudgesPlugin.self), PluginRegistration(AdminPlugin.self)],
            configuration: BotConfiguration(owners: [.irc(network: "test", account: Self.owner)], plugins: ["nudges": .init(enabled: true)]),
            store: store, time: time)
        let logger = Logger(label: "dashboard-test")
        let routes = DashboardRoutes(store: store, bot: chat.bot, secureCookies: false, time: time, logger: logger)
        try await routes.migrate()
        try await withEndpoint(routes, logger: logger) { base in
            do {
                try await converse(chat, base: base, time: time)
                try await body(chat, base, time)
            } catch {
                await chat.stop()
                throw error
            }
        }
        await chat.stop()
    }

    /// The owner points links at the listener; bob asks, carol answers and is thanked, someone
    /// with a hostile display name is thanked too; erin is reminded to thank frank, and gina,
    /// who said `stop`, is not reminded to thank hal.
    func converse(_ chat: PluginHarness, base: String, time: ManualTime) async throws {
        let set = try await chat.say("!config set dashboard.public_url \(base)", as: Self.owner, account: Self.owner, in: nil, at: time.now)
        #expect(set.first?.contains(base) == true)
        try await chat.say("how do I mount a usb stick?", as: "bob", in: "#rapport", at: time.now)
        try await chat.say("bob: plug it in, Files mounts it for you", as: "carol", in: "#rapport", at: time.now)
        try await chat.say("thanks carol", as: "bob", in: "#rapport", at: time.now)
        try await chat.say("!thanks <script>alert(1)</script> for the tip", as: "bob", in: "#rapport", at: time.now)
        await chat.connector.setOnline(["erin", "frank", "gina", "hal"])
        try await chat.say("stop", as: "gina", in: nil, at: time.now)
        for (asker, helper) in [("erin", "frank"), ("gina", "hal")] {
            try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: asker, in: "#rapport", at: time.now)
            try await chat.say("\(asker): sudo apt install ntfs-3g, then plug it in again", as: helper, in: "#rapport", at: time.now)
        }
        try await chat.advance(time, by: .seconds(120))
        for asker in ["erin", "gina"] { try await chat.say("anyone here using kde plasma?", as: asker, in: "#rapport", at: time.now) }
        let reminders = try await chat.advance(time, by: .seconds(3600))
        #expect(reminders.map(\.target) == [.user(address: "erin")])
    }

    /// `!dashboard` as `nick` (identified as `nick`); returns the link from the DM.
    func signInLink(_ chat: PluginHarness, as nick: String, base: String, at now: Date) async throws -> String {
        let sent = try await chat.send(
            ChatEvent(network: "test", channel: "#rapport", sender: PluginHarness.user(nick, account: nick), time: now,
                kind: .message(ChatMessage("!dashboard"))))
        let dm = try #require(sent.first { if case .user = $0.target { true } else { false } })
        let link = try #require(dm.text.split(separator: " ").last.map(String.init))
        #expect(link.hasPrefix(base + "/signin/"))
        #expect(link.count - (base + "/signin/").count >= 22)  // ≥ 128 bits, base64
        #expect(sent.contains { $0.text == "I sent you a sign-in link privately." })
        return link
    }

    /// The HTTP status of a GET, with `cookie` if given.
    func status(_ url: String, cookie: String? = nil) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }

    @Test func anAdminSignsInThroughTheDMLinkAndSeesEveryPage() async throws {
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        try await withDashboard { chat, base, time in
            let expired = try await signInLink(chat, as: Self.owner, base: base, at: time.now)
            time.advance(by: .seconds(DashboardAccess.linkLifetime + 1))
            let link = try await signInLink(chat, as: Self.owner, base: base, at: time.now)
            try await WebDriver.withBrowser { browser in
                try await browser.open(expired)
                #expect(try await browser.title == "Not signed in · Rapport")
                #expect(try await browser.text(of: "main p") == "This sign-in link has expired.")
                try await browser.screenshot(to: "\(Self.artifacts)/expired-link.png")

                try await browser.open(link)
                #expect(try await browser.title == "Sign in · Rapport")
                #expect(try await browser.cookies().isEmpty, "opening the link alone signs nobody in")
                try await browser.screenshot(to: "\(Self.artifacts)/sign-in.png")
                try await browser.click("#sign-in")
                #expect(try await browser.title(becoming: "Channels · Rapport") == "Channels · Rapport")
                let cookie = try #require(try await browser.cookies().first { $0["name"] == .string("rapport_session") })
                #expect(cookie["httpOnly"] == .bool(true))
                #expect(cookie["sameSite"] == .string("Strict"))
                #expect(cookie["path"] == .string("/"))
                #expect(cookie["secure"] == .bool(false))
                try await browser.screenshot(to: "\(Self.artifacts)/channels.png")
                #expect(try await browser.text(of: "main li a") == "#rapport")

                for period in Period.allCases {
                    try await browser.open("\(base)/dashboard/channel?network=test&channel=%23rapport&period=\(period.rawValue)")
                    let source = try await browser.source
                    #expect(try await browser.text(of: "h1").hasPrefix("#rapport"))
                    #expect(source.contains("<title id=\"bars-title\">Help events per day in #rapport"))
                    #expect(source.contains("carol helped bob"))
                    #expect(try await browser.text(of: "#helpers + table tbody tr td") == "carol")
                    #expect(!source.contains("<script>alert(1)</script>"))
                    #expect(source.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                    #expect(try await browser.text(of: "#nudges-sent") == "1")
                    #expect(try await browser.text(of: "#nudges-suppressed") == "1")
                    let questions = try await browser.text(of: "#questions + table")
                    #expect(questions.contains("erin anyone here using kde plasma?"))
                    #expect(questions.contains("gina anyone here using kde plasma?"))
                    try await browser.screenshot(to: "\(Self.artifacts)/channel-\(period.rawValue).png")
                }

                // Reusing the link: refused, and the session stays.
                try await browser.open(link)
                #expect(try await browser.title == "Not signed in · Rapport")
                #expect(try await browser.text(of: "main p").contains("used already"))
                try await browser.screenshot(to: "\(Self.artifacts)/reused-link.png")

                // No cookie: refused.
                try await browser.deleteCookies()
                try await browser.open("\(base)/dashboard")
                #expect(try await browser.title == "Not signed in · Rapport")
                #expect(try await browser.text(of: "main p") == "You are not signed in.")
                try await browser.screenshot(to: "\(Self.artifacts)/no-cookie.png")
            }
            #expect(try await status(link) == 401)
            #expect(try await status("\(base)/dashboard") == 401)
            #expect(try await status("\(base)/dashboard", cookie: "rapport_session=forged") == 401)
        }
    }

    @Test func anAdminWhoLosesTheRoleIsRefused() async throws {
        try await withDashboard { chat, base, time in
            #expect(try await chat.say("!admin add irc:test:dave", as: Self.owner, account: Self.owner, in: nil, at: time.now).count == 1)
            let link = try await signInLink(chat, as: "dave", base: base, at: time.now)
            try await WebDriver.withBrowser { browser in
                try await browser.open(link)
                try await browser.click("#sign-in")
                #expect(try await browser.title(becoming: "Channels · Rapport") == "Channels · Rapport")
                try await chat.say("!admin remove irc:test:dave", as: Self.owner, account: Self.owner, in: nil, at: time.now)
                try await browser.open("\(base)/dashboard")
                #expect(try await browser.text(of: "main p") == "This dashboard is for bot admins only.")
                try await browser.screenshot(to: "\(Self.artifacts)/not-admin.png")
            }
            // A person who is not an admin gets no link at all.
            #expect(try await chat.say("!dashboard", as: "mallory", account: "mallory", at: time.now) == ["You need to be a channel operator for that."])
        }
    }
}
