import RapportCore
import Testing

/// Attacks on `htmlEscaped` with markup characters hidden in grapheme clusters.
struct AdversarialHTMLEscapingTests {
    @Test(
        "a quote, apostrophe, angle bracket or ampersand followed by a combining mark is still escaped",
        arguments: [("\"", "&quot;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;"), ("&", "&amp;")])
    func markupCharacterWithCombiningMark(markup: String, entity: String) {
        let escaped = "x\(markup)\u{301} onmouseover=alert(1)".htmlEscaped
        #expect(Array(escaped.unicodeScalars) == Array("x\(entity)\u{301} onmouseover=alert(1)".unicodeScalars))
    }
}
