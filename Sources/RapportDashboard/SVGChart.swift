import Foundation
import ThanksPlugin

/// Inline SVG drawings for the dashboard: no script, no external file, readable by a screen
/// reader through `<title>` and `<desc>`.
enum SVGChart {
    /// A bar per day, with the day's count in each bar's tooltip.
    static func bars(_ days: [ChannelReport.Day], title: String) -> String {
        let width = 600.0, height = 160.0, bottom = 20.0
        let most = max(days.map(\.count).max() ?? 0, 1)
        let step = width / Double(max(days.count, 1))
        let total = days.map(\.count).reduce(0, +)
        let bars = days.enumerated().map { index, day in
            let h = (height - bottom - 10) * Double(day.count) / Double(most)
            let x = Double(index) * step
            return "<rect x=\"\(format(x + 1))\" y=\"\(format(height - bottom - h))\" width=\"\(format(max(step - 2, 1)))\" "
                + "height=\"\(format(h))\" fill=\"#1f5f99\"><title>\(dayLabel(day.start)): \(day.count)</title></rect>"
        }.joined()
        let first = days.first.map { dayLabel($0.start) } ?? "", last = days.last.map { dayLabel($0.start) } ?? ""
        return """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="bars-title bars-desc">\
            <title id="bars-title">\(HTML.escape(title))</title>\
            <desc id="bars-desc">\(total) help events from \(first) to \(last); the tallest bar is \(most).</desc>\
            \(bars)<line x1="0" y1="\(format(height - bottom))" x2="\(Int(width))" y2="\(format(height - bottom))" stroke="#1a1a1a"/>\
            <text x="0" y="\(Int(height) - 4)" font-size="12" fill="#1a1a1a">\(first)</text>\
            <text x="\(Int(width))" y="\(Int(height) - 4)" font-size="12" fill="#1a1a1a" text-anchor="end">\(last)</text></svg>
            """
    }

    /// Who helped whom: people on a circle, an arrow from helper to helped, thicker for more help.
    static func graph(_ edges: [HelpStatistics.Edge], title: String) -> String {
        var people: [String] = []
        for edge in edges {
            for nick in [edge.helperNick, edge.helpedNick] where !people.contains(nick) { people.append(nick) }
        }
        // Wider than tall: names are written beside their node.
        let width = 640.0, height = 400.0, centre = width / 2, radius = height / 2 - 40
        var position: [String: (x: Double, y: Double)] = [:]
        for (index, nick) in people.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(max(people.count, 1)) - Double.pi / 2
            position[nick] = (centre + radius * cos(angle), height / 2 + radius * sin(angle))
        }
        let heaviest = Double(max(edges.map(\.weight).max() ?? 1, 1))
        let lines = edges.compactMap { edge -> String? in
            guard let a = position[edge.helperNick], let b = position[edge.helpedNick] else { return nil }
            let widthValue = 1 + 5 * Double(edge.weight) / heaviest
            return "<line x1=\"\(format(a.x))\" y1=\"\(format(a.y))\" x2=\"\(format(b.x))\" y2=\"\(format(b.y))\" stroke=\"#1f5f99\" "
                + "stroke-opacity=\"0.7\" stroke-width=\"\(format(widthValue))\" marker-end=\"url(#arrow)\">"
                + "<title>\(HTML.escape(edge.helperNick)) helped \(HTML.escape(edge.helpedNick)) \(edge.weight)×</title></line>"
        }.joined()
        let nodes = people.compactMap { nick -> String? in
            guard let p = position[nick] else { return nil }
            let anchor = p.x < centre - 1 ? "end" : (p.x > centre + 1 ? "start" : "middle")
            let dx = anchor == "end" ? -10.0 : (anchor == "start" ? 10.0 : 0)
            let dy = anchor == "middle" ? (p.y < height / 2 ? -12.0 : 20.0) : 4
            return "<circle cx=\"\(format(p.x))\" cy=\"\(format(p.y))\" r=\"6\" fill=\"#1a1a1a\"/>"
                + "<text x=\"\(format(p.x + dx))\" y=\"\(format(p.y + dy))\" font-size=\"13\" fill=\"#1a1a1a\" text-anchor=\"\(anchor)\">\(HTML.escape(nick))</text>"
        }.joined()
        let summary = edges.isEmpty ? "Nobody helped anybody in this period." :
            "\(people.count) people; the heaviest link is \(HTML.escape(edges[0].helperNick)) helping \(HTML.escape(edges[0].helpedNick)) \(edges[0].weight) times."
        return """
            <svg class="graph" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="graph-title graph-desc">\
            <title id="graph-title">\(HTML.escape(title))</title><desc id="graph-desc">\(summary)</desc>\
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="17" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">\
            <path d="M0,0 L10,5 L0,10 z" fill="#1f5f99"/></marker></defs>\(lines)\(nodes)</svg>
            """
    }

    /// `YYYY-MM-DD` in UTC.
    static func dayLabel(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86400).rounded(.down))
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: Date(timeIntervalSince1970: Double(days) * 86400))
        return String(format: "%04d-%02d-%02d", components.year ?? 0, components.month ?? 0, components.day ?? 0)
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
