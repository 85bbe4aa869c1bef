import Foundation
import Testing
@testable import RapportMatrix

/// Attacks on the HTML body of outgoing Matrix messages.
struct AdversarialMatrixFormattingTests {
    let formatter = MatrixMessageFormatter(members: ["@alice:example.org": "Alice"], ownUserID: "@rapport:example.org")

    @Test("a combining mark after a quote cannot break out of a mention's href")
    func combiningMarkInMention() throws {
        let text = "see @bob:example.org\"\u{301} onmouseover='\u{301}x' <\u{301}script>"
        let content = formatter.content(text: text, msgtype: "m.text", replyTo: nil)
        guard case .string(let html) = try #require(content["formatted_body"]) else {
            Issue.record("formatted_body is not a string")
            return
        }
        let outsideTags = html.replacingOccurrences(of: "<a href=\"", with: "").replacingOccurrences(of: "\">", with: "")
            .replacingOccurrences(of: "</a>", with: "")
        #expect(!outsideTags.unicodeScalars.contains { "\"'<>".unicodeScalars.contains($0) })
    }
}
