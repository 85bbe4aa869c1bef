import Foundation
import Testing
@testable import ThanksPlugin
@testable import RapportDashboard

struct DashboardPagesTests {
    @Test func scriptInANickIsEscaped() {
        let report = ChannelReport(
            network: "test", channel: "#<b>", period: .week, now: Date(timeIntervalSince1970: 86400 * 100),
            perDay: [ChannelReport.Day(start: Date(timeIntervalSince1970: 86400 * 100), count: 2)],
            edges: [.init(helper: "x", helperNick: "<script>alert(1)</script>", helped: "bob", helpedNick: "bob\"", weight: 2)],
            helpers: [.init(person: "x", nick: "<script>alert(1)</script>", answers: 3, peopleHelped: 1, thanks: 0)],
            unsung: [],
            openQuestions: [
                .init(id: "q1", asker: "eve", nick: "eve", askedAt: Date(timeIntervalSince1970: 86400 * 99), excerpt: "how do I <img src=x onerror=alert(1)>?")
            ],
            nudgesSent: 1, nudgesSuppressed: 2)
        let page = DashboardPages.channel(report)
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("bob&quot;"))
        #expect(page.contains("1 d"))
    }
}
