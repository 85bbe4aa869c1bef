import Testing
@testable import RapportMatrix

struct MatrixMessageFormatterTests {
    let formatter = MatrixMessageFormatter(members: ["@alice:example.org": "Alice"], ownUserID: "@rapport:example.org")

    @Test func plainAndHTMLBodies() {
        let content = formatter.content(text: "1 < 2 & \"x\"\nline two", msgtype: "m.notice", replyTo: nil)
        #expect(content["msgtype"] == "m.notice")
        #expect(content["body"] == "1 < 2 & \"x\"\nline two")
        #expect(content["format"] == "org.matrix.custom.html")
        #expect(content["formatted_body"] == "1 &lt; 2 &amp; &quot;x&quot;<br/>line two")
        #expect(content["m.mentions"] == ["user_ids": []])
        #expect(content["m.relates_to"] == nil)
    }

    @Test("a member's name before a colon and a full user ID become pills that ping")
    func mentionsPing() {
        let content = formatter.content(text: "Alice: ask @bob:example.org.", msgtype: "m.text", replyTo: nil)
        #expect(content["formatted_body"] == """
            <a href="https://matrix.to/#/@alice:example.org">Alice</a>: ask <a href="https://matrix.to/#/@bob:example.org">@bob:example.org</a>.
            """)
        #expect(content["m.mentions"] == ["user_ids": ["@alice:example.org", "@bob:example.org"]])
    }

    @Test func emailIsNotAMention() {
        #expect(formatter.mentions(in: "write to me@example.org").isEmpty)
        #expect(formatter.mentions(in: "12:30 is fine").isEmpty)
    }

    @Test func replyRelationMentionsTheOriginalSender() {
        let content = formatter.content(
            text: "pong", msgtype: "m.notice", replyTo: .init(eventID: "$1", sender: "@alice:example.org", threadRoot: nil))
        #expect(content["m.relates_to"] == ["m.in_reply_to": ["event_id": "$1"]])
        #expect(content["m.mentions"] == ["user_ids": ["@alice:example.org"]])
    }

    @Test func replyInAThreadStaysInTheThread() {
        let content = formatter.content(
            text: "pong", msgtype: "m.notice", replyTo: .init(eventID: "$2", sender: nil, threadRoot: "$root"))
        #expect(content["m.relates_to"] == [
            "rel_type": "m.thread", "event_id": "$root", "is_falling_back": false, "m.in_reply_to": ["event_id": "$2"],
        ])
    }

    @Test func sanitizedText() {
        #expect(MatrixMessageFormatter.sanitized("a\r\nb\0c\n\n") == "a\nbc")
    }
}
