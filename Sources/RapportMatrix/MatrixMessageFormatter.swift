import Foundation
import RapportCore

/// Builds the content of an outgoing `m.room.message`: plain body, HTML body with pills for
/// mentions, `m.mentions` so that exactly the right people are pinged, and the reply relation.
///
/// ```
/// "alice: pong, see @bob:example.org"   (alice is a member named "alice")
///   body:           alice: pong, see @bob:example.org
///   formatted_body: <a href="https://matrix.to/#/@alice:example.org">alice</a>: pong, see <a …>@bob:example.org</a>
///   m.mentions:     {"user_ids": ["@alice:example.org", "@bob:example.org"]}
/// ```
struct MatrixMessageFormatter {
    /// The event being answered: its ID, sender (mentioned, so the reply pings) and thread.
    struct ReplyContext: Sendable, Hashable {
        var eventID: String
        var sender: String?
        var threadRoot: String?
    }

    /// Display names of the room's members by user ID, to recognise `name:` at the start.
    var members: [String: String] = [:]
    /// The bot itself, never mentioned.
    var ownUserID: String

    func content(text rawText: String, msgtype: String, replyTo: ReplyContext?) -> MatrixJSON {
        let text = Self.sanitized(rawText)
        var mentioned: [String] = []
        var html = ""
        var cursor = text.startIndex
        for mention in mentions(in: text) {
            html += Self.escaped(text[cursor..<mention.range.lowerBound])
            html += "<a href=\"https://matrix.to/#/\(Self.escaped(Substring(mention.userID)))\">\(Self.escaped(text[mention.range]))</a>"
            cursor = mention.range.upperBound
            if mention.userID != ownUserID, !mentioned.contains(mention.userID) { mentioned.append(mention.userID) }
        }
        html += Self.escaped(text[cursor...])
        html = html.replacingOccurrences(of: "\n", with: "<br/>")
        if let sender = replyTo?.sender, sender != ownUserID, !mentioned.contains(sender) { mentioned.append(sender) }

        var content: [String: MatrixJSON] = [
            "msgtype": .string(msgtype),
            "body": .string(text),
            "format": "org.matrix.custom.html",
            "formatted_body": .string(html),
            "m.mentions": ["user_ids": .array(mentioned.sorted().map(MatrixJSON.string))],
        ]
        if let replyTo {
            let inReplyTo: MatrixJSON = ["event_id": .string(replyTo.eventID)]
            if let root = replyTo.threadRoot {
                content["m.relates_to"] = [
                    "rel_type": "m.thread", "event_id": .string(root), "is_falling_back": false, "m.in_reply_to": inReplyTo,
                ]
            } else {
                content["m.relates_to"] = ["m.in_reply_to": inReplyTo]
            }
        }
        return .object(content)
    }

    struct Mention {
        var range: Range<String.Index>
        var userID: String
    }

    /// Full user IDs anywhere, and a member's name (or localpart) before `:` or `,` at the start.
    func mentions(in text: String) -> [Mention] {
        var found: [Mention] = []
        if let separator = text.firstIndex(where: { $0 == ":" || $0 == "," }), separator > text.startIndex {
            let name = text[..<separator]
            if !name.hasPrefix("@"),
                let userID = members.first(where: { $0.value == name })?.key
                    ?? members.keys.first(where: { MatrixIdentifiers.localpart(of: $0) == name })
            {
                found.append(Mention(range: text.startIndex..<separator, userID: userID))
            }
        }
        var index = text.startIndex
        while let at = text[index...].firstIndex(of: "@") {
            var end = text[at...].firstIndex(where: { $0.isWhitespace || "<>\"'()[]{}".contains($0) }) ?? text.endIndex
            while end > at, let last = text[..<end].last, ".,;!?:".contains(last) { end = text.index(before: end) }
            let candidate = String(text[at..<end])
            let startsWord = at == text.startIndex || !text[text.index(before: at)].isLetter
            if startsWord, MatrixIdentifiers.isUserID(candidate), !found.contains(where: { $0.range.overlaps(at..<end) }) {
                found.append(Mention(range: at..<end, userID: candidate))
            }
            index = end > at ? end : text.index(after: at)
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// Text safe to send: no NUL, Unix line ends, no trailing blank lines.
    static func sanitized(_ text: String) -> String {
        var result = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        result.removeAll { $0 == "\0" }
        while result.hasSuffix("\n") { result.removeLast() }
        return result
    }

    static func escaped(_ text: Substring) -> String { text.htmlEscaped }
}
