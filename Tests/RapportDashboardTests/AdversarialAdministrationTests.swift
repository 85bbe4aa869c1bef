import Foundation
import RapportCore
import RapportTesting
import Testing

/// The administration pages meet forged forms, an operator reaching beyond their channel and an
/// admin who lost the role: each request is refused and nothing changes.
@Suite(.timeLimit(.minutes(3)))
struct AdversarialAdministrationTests {
    let dashboard = DashboardBrowserTests()

    /// Whether `plugin` is on in `channel` (`nil`: everywhere) and how many audit entries there are.
    func state(_ chat: PluginHarness, _ plugin: String, in channel: String? = nil) async throws -> (on: Bool, audit: Int) {
        let administration = Administration(bot: chat.bot)
        let statuses = await administration.plugins(network: channel == nil ? nil : "test", channel: channel)
        let on = try #require(statuses.first { $0.descriptor.id == plugin }).enabled
        return (on, try await administration.audit(limit: 1000).count)
    }

    @Test("a form posted without the session's token, with another session's token, or from another site changes nothing")
    func forgedPostsChangeNothing() async throws {
        try await dashboard.withDashboard { chat, base, time in
            let owner = try await DashboardSession.signIn(
                try await dashboard.signInLink(chat, as: DashboardBrowserTests.owner, base: base, at: time.now), base: base)
            let other = try await DashboardSession.signIn(
                try await dashboard.signInLink(chat, as: DashboardBrowserTests.owner, base: base, at: time.now), base: base)
            let before = try await state(chat, "thanks")
            let disable = ["action": "disable", "scope": "everywhere", "plugin": "thanks"]

            let noToken = try await owner.post("/dashboard/plugins", disable, csrf: nil)
            #expect(noToken.status == 403)
            #expect(noToken.body.contains("This form is not valid"))
            #expect(try await owner.post("/dashboard/plugins", disable, csrf: "").status == 403)
            #expect(try await owner.post("/dashboard/plugins", disable, csrf: try await other.formToken()).status == 403)
            let crossSite = try await owner.http.request(
                base + "/dashboard/plugins", post: "action=disable&scope=everywhere&plugin=thanks&csrf=\(try await owner.formToken())",
                headers: [("Cookie", owner.cookie), ("Sec-Fetch-Site", "cross-site")])
            #expect(crossSite.status == 403)
            // A GET never changes anything, whatever it carries.
            #expect(try await owner.get("/dashboard/plugins?action=disable&scope=everywhere&plugin=thanks&csrf=\(try await owner.formToken())").status == 200)
            #expect(try await state(chat, "thanks") == before)

            // The same form with the token: it works, so the refusals above were the token's doing.
            #expect(try await owner.post("/dashboard/plugins", disable, csrf: try await owner.formToken()).status == 200)
            #expect(try await state(chat, "thanks").on == false)
        }
    }

    @Test("an operator's session changes their own channel and nothing else")
    func anOperatorReachesOnlyTheirChannel() async throws {
        try await dashboard.withDashboard { chat, base, time in
            let sent = try await chat.send(
                ChatEvent(network: "test", channel: "#rapport", sender: PluginHarness.user("olga", account: "olga"), time: time.now,
                    kind: .message(ChatMessage("!dashboard")), senderIsOperator: true))
            let link = try #require(sent.first { if case .user = $0.target { true } else { false } }?.text.split(separator: " ").last.map(String.init))
            let olga = try await DashboardSession.signIn(link, base: base)
            let token = try await olga.formToken()
            let administration = Administration(bot: chat.bot)
            func topSize(_ channel: String?) async throws -> String {
                try await administration.setting("thanks", "top_size", network: "test", channel: channel)
            }
            let beforeOther = try await topSize("#other")
            let beforeState = try await state(chat, "thanks", in: "#other")
            let beforeEverywhere = try await topSize(nil)

            let elsewhere = ["plugin": "thanks", "key": "top_size", "value": "2", "scope": "channel", "network": "test", "channel": "#other"]
            let refused = try await olga.post("/dashboard/settings", elsewhere, csrf: token)
            #expect(refused.status == 403)
            #expect(refused.body.contains("Operators can change their own channel"))
            var everywhere = elsewhere
            everywhere["scope"] = "everywhere"
            #expect(try await olga.post("/dashboard/settings", everywhere, csrf: token).status == 403)
            let pluginElsewhere = ["action": "disable", "plugin": "thanks", "scope": "channel", "network": "test", "channel": "#other"]
            #expect(try await olga.post("/dashboard/plugins", pluginElsewhere, csrf: token).status == 403)
            #expect(try await olga.post("/dashboard/people", ["action": "add-admin", "identity": "irc:test:olga"], csrf: token).status == 403)
            #expect(try await olga.get("/dashboard/people").status == 403)
            #expect(try await olga.get("/dashboard/audit").status == 403)
            #expect(try await topSize("#other") == beforeOther)
            #expect(try await state(chat, "thanks", in: "#other") == beforeState)
            #expect(try await topSize(nil) == beforeEverywhere)
            #expect(await administration.admins().admins.isEmpty)

            // Her own channel: allowed, and audited as made on the web.
            var own = elsewhere
            own["channel"] = "#rapport"
            #expect(try await olga.post("/dashboard/settings", own, csrf: token).status == 200)
            #expect(try await topSize("#rapport") == "2")
            let entry = try #require(try await administration.audit(limit: 1).first)
            #expect(entry.actor == "irc:test:olga" && entry.action == "config.set" && entry.origin == .web)

            // The network takes her operator status away: her session loses the pages and the forms at once.
            let olgaIdentity = Identity.irc(network: "test", account: "olga")
            await chat.connector.setOperator(olgaIdentity, of: "#rapport", true)
            #expect(try await olga.get("/dashboard/settings").status == 200)
            await chat.connector.setOperator(olgaIdentity, of: "#rapport", false)
            #expect(try await olga.get("/dashboard/settings").status == 403)
            own["value"] = "3"
            #expect(try await olga.post("/dashboard/settings", own, csrf: token).status == 403)
            #expect(try await topSize("#rapport") == "2")
        }
    }

    @Test("an admin who lost the role loses the pages and the forms at once, and a signed-out session is gone")
    func aRemovedAdminChangesNothing() async throws {
        try await dashboard.withDashboard { chat, base, time in
            try await chat.say("!admin add irc:test:dave", as: DashboardBrowserTests.owner, account: DashboardBrowserTests.owner, in: nil, at: time.now)
            let dave = try await DashboardSession.signIn(try await dashboard.signInLink(chat, as: "dave", base: base, at: time.now), base: base)
            let token = try await dave.formToken()
            #expect(try await dave.get("/dashboard/plugins").status == 200)
            try await chat.say("!admin remove irc:test:dave", as: DashboardBrowserTests.owner, account: DashboardBrowserTests.owner, in: nil, at: time.now)
            let before = try await state(chat, "thanks")

            let refused = try await dave.post("/dashboard/plugins", ["action": "disable", "scope": "everywhere", "plugin": "thanks"], csrf: token)
            #expect(refused.status == 403)
            #expect(try await dave.post("/dashboard/people", ["action": "ignore", "mask": "carol"], csrf: token).status == 403)
            for page in ["/dashboard", "/dashboard/plugins", "/dashboard/settings", "/dashboard/health"] {
                #expect(try await dave.get(page).status == 403, "\(page)")
            }
            #expect(try await state(chat, "thanks") == before)
            #expect(await Administration(bot: chat.bot).ignores().isEmpty)

            // Signing out ends the session on the server: the cookie, replayed, opens nothing.
            let owner = try await DashboardSession.signIn(
                try await dashboard.signInLink(chat, as: DashboardBrowserTests.owner, base: base, at: time.now), base: base)
            #expect(try await owner.post("/signout", [:], csrf: nil).status == 403, "signing out needs the token too")
            #expect(try await owner.post("/signout", [:], csrf: try await owner.formToken()).status == 200)
            #expect(try await owner.get("/dashboard/plugins").status == 401)
        }
    }
}
