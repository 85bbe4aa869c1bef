import Foundation
import ThanksPlugin

/// The dashboard's HTML pages. Every piece of text that came from chat (nicks, channel names,
/// question excerpts) goes through ``HTML/escape(_:)``.
enum DashboardPages {
    /// The list of channels with help activity.
    static func index(_ channels: [(network: String, channel: String)], header: String = "") -> String {
        let items = channels.map { place in
            "<li><a href=\"\(HTML.escape(channelPath(network: place.network, channel: place.channel, period: .week)))\">"
                + "\(HTML.escape(place.channel))</a> <span class=\"muted\">on \(HTML.escape(place.network))</span></li>"
        }.joined(separator: "\n")
        let list = channels.isEmpty ? "<p>No help has been recorded in any channel yet.</p>" : "<ul>\n\(items)\n</ul>"
        return HTML.page(title: "Channels", body: "\(header)<h1>Rapport dashboard</h1>\n<h2>Channels</h2>\n\(list)")
    }

    /// One channel's help activity in a period.
    static func channel(_ report: ChannelReport, header: String = "") -> String {
        let name = HTML.escape(report.channel)
        let periods = Period.allCases.map { period in
            period == report.period
                ? "<strong aria-current=\"page\">\(period.label)</strong>"
                : "<a href=\"\(HTML.escape(channelPath(network: report.network, channel: report.channel, period: period)))\">\(period.label)</a>"
        }.joined(separator: " ")
        let body = header + """
            <nav aria-label="Dashboard"><a href="/dashboard">All channels</a></nav>
            <h1>\(name) <span class="muted">on \(HTML.escape(report.network))</span></h1>
            <nav aria-label="Period">Period: \(periods)</nav>
            <h2 id="per-day">Help events per day</h2>
            \(SVGChart.bars(report.perDay, title: "Help events per day in \(report.channel), \(report.period.chartDays) days"))
            <h2 id="graph">Who helped whom</h2>
            \(SVGChart.graph(report.edges, title: "Who helped whom in \(report.channel), \(report.period.label)"))
            <h2 id="helpers">Helpers</h2>
            \(helperTable(report.helpers, caption: "Top helpers, \(report.period.label)", empty: "Nobody helped in this period."))
            <h2 id="unsung">Unsung helpers</h2>
            <p class="muted">At least three answers, and thanked for at most a quarter of them.</p>
            \(helperTable(report.unsung, caption: "Unsung helpers, \(report.period.label)", empty: "No unsung helpers: help is being thanked."))
            <h2 id="questions">Open questions</h2>
            \(questionTable(report.openQuestions, now: report.now))
            <h2 id="nudges">Nudges</h2>
            <div class="counts"><p>Sent: <strong id="nudges-sent">\(report.nudgesSent)</strong></p>\
            <p>Suppressed: <strong id="nudges-suppressed">\(report.nudgesSuppressed)</strong></p></div>
            """
        return HTML.page(title: "\(name), \(report.period.label)", body: body)
    }

    /// Why a request was refused, in plain words.
    static func refusal(_ message: String) -> String {
        HTML.page(title: "Not signed in", body: "<h1>Not signed in</h1>\n<p>\(HTML.escape(message))</p>\n<p>Type <code>!dashboard</code> to the bot for a new sign-in link.</p>")
    }

    /// Behind a sign-in link: a button that posts back to the same address with the form's
    /// code. Opening the link (a preview, a bouncer) signs nobody in; pressing the button does.
    static func signInForm(code: String) -> String {
        HTML.page(
            title: "Sign in", body: """
                <h1>Sign in to the Rapport dashboard</h1>
                <p>This link signs one browser in, once.</p>
                <form method="post"><input type="hidden" name="form_code" value="\(HTML.escape(code))">\
                <button type="submit" id="sign-in">Sign in</button></form>
                """)
    }

    /// Shown once the sign-in link was accepted: a same-site hop to the dashboard, so that the
    /// `SameSite=Strict` cookie is sent even when the link was opened from another site.
    static let signedIn = HTML.page(
        title: "Signed in", body: "<h1>Signed in</h1>\n<p><a href=\"/dashboard\">Open the dashboard</a></p>",
        head: "<meta http-equiv=\"refresh\" content=\"0; url=/dashboard\">")

    static func channelPath(network: String, channel: String, period: Period) -> String {
        "/dashboard/channel?network=\(queryEscape(network))&channel=\(queryEscape(channel))&period=\(period.rawValue)"
    }

    static func queryEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    private static func helperTable(_ helpers: [HelpStatistics.Helper], caption: String, empty: String) -> String {
        HTML.table(
            caption: caption, headers: ["Nick", "Answers", "People helped", "Thanks received"],
            rows: helpers.map { [HTML.escape($0.nick), "\($0.answers)", "\($0.peopleHelped)", "\($0.thanks)"] }, empty: empty)
    }

    private static func questionTable(_ questions: [HelpStatistics.OpenQuestion], now: Date) -> String {
        HTML.table(
            caption: "Questions nobody has answered yet", headers: ["Asked by", "Question", "Age"],
            rows: questions.map { [HTML.escape($0.nick), HTML.escape($0.excerpt), age(now.timeIntervalSince($0.askedAt))] },
            empty: "No open questions.")
    }

    /// `3 d`, `5 h`, `12 min`.
    static func age(_ seconds: TimeInterval) -> String {
        if seconds >= 86400 { return "\(Int(seconds / 86400)) d" }
        if seconds >= 3600 { return "\(Int(seconds / 3600)) h" }
        return "\(max(Int(seconds / 60), 0)) min"
    }
}
