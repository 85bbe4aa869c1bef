import Testing
@testable import RapportReciprocity

/// One case per phrasing, with the sample visible; add one for every phrase added to
/// ``ThanksDetector/Configuration``.
struct ThanksDetectorTests {
    let detector = ThanksDetector()

    @Test("thanks, as said in many languages and chat forms", arguments: [
        "thanks bob",  // English
        "thank you!",
        "Thank you so much, that fixed it",
        "thx",
        "thnx mate",
        "thanx :)",
        "ty",
        "tyvm",
        "tysm!!",
        "cheers",
        "much appreciated",
        "I appreciate it",
        "many thanks",
        "you rock",
        "danke",  // German
        "vielen Dank!",
        "dankeschön",
        "merci",  // French
        "merci beaucoup",
        "gracias",  // Spanish
        "muchas gracias amigo",
        "obrigado",  // Portuguese
        "valeu",
        "grazie",  // Italian
        "grazie mille",
        "bedankt",  // Dutch
        "dank je wel",
        "спасибо",  // Russian
        "спс",
        "dzięki",  // Polish
        "dziękuję bardzo",
        "kiitos",  // Finnish
        "tack så mycket",  // Swedish
        "ありがとう",  // Japanese
        "どうもありがとうございます",
        "谢谢",  // Chinese
        "多谢!",
        "🙏",  // emoji
        "ok that worked, thanks",
        "works now, cheers!",
    ])
    func recognises(_ text: String) {
        #expect(detector.detect(text).isThanks, "\(text)")
    }

    @Test func plusPlusNamesTheNick() {
        #expect(detector.detect("bob++") == .thanks(.plusPlus, plusPlus: ["bob"]))
        #expect(detector.detect("@alice++ great answer") == .thanks(.plusPlus, plusPlus: ["alice"]))
    }

    @Test("c++, g++ and i++ are not thanks", arguments: ["I love c++", "compile it with g++", "for (i++)"])
    func codeIsNotThanks(_ text: String) {
        #expect(detector.detect(text) == .none)
    }

    @Test("looks like thanks, is not", arguments: [
        ("no thanks", ThanksDetector.Refusal.declined),
        ("no thank you, I'll stay on 22.04", .declined),
        ("nein danke", .declined),
        ("non merci", .declined),
        ("thanks in advance", .inAdvance),
        ("how do I mount a usb stick? TIA", .inAdvance),
        ("anyone know how to fix grub? thanks", .inAdvance),
        ("merci d'avance", .inAdvance),
        ("thanks for nothing", .sarcastic),
        ("thank god it's friday", .exclamation),
        ("<bob> thanks alice", .quoted),
        ("> thanks", .quoted),
        ("he just said \"thanks\" and left", .quoted),
    ])
    func refuses(_ text: String, _ reason: ThanksDetector.Refusal) {
        #expect(detector.detect(text) == .refused(reason), "\(text)")
    }

    @Test("ordinary messages", arguments: [
        "how do I mount a usb stick?", "try sudo apt install vlc", "the thanksgiving release", "tyre pressure",
        "ok", "stack trace please",
    ])
    func ignores(_ text: String) {
        #expect(!detector.detect(text).isThanks, "\(text)")
    }
}

extension ThanksDetectorTests {
    @Test func longMessagesCountOnlyAnOpeningThanks() {
        let tail = String(repeating: "and then I will try the other partition layout tomorrow ", count: 4)
        #expect(detector.detect("corba: Thanks for the help! I'll try using a dedicated boot partition " + tail).isThanks)
        #expect(!detector.detect("I tried the other partition layout as described " + tail + " thanks to the wiki").isThanks)
    }
}

extension ThanksDetectorTests {
    @Test("ASCII quoting read by bytes as by characters", arguments: [
        "<bob> thanks", "  > thanks", "<> thanks", "< bob> thanks", "a <b c> thanks", "say \"thanks\"", "one \" quote",
        "x<y>z thanks", "thanks\r\n<bob>", "\r\n\"a\r\n\"", "", "   ", ">", "<<>>", "ty <bob",
    ])
    func quotingByBytesMatchesCharacters(_ text: String) {
        let byCharacters = ThanksDetector.isQuoted(text, space: " ", open: "<", close: ">") { $0 == "\"" || $0 == "“" || $0 == "”" }
        #expect(ThanksDetector.isQuoted(text, hasNonASCII: false) == byCharacters, "\(text)")
    }

    @Test func quotingWithCurlyQuotesAndCombiningMarksIsReadByCharacters() {
        #expect(ThanksDetector.isQuoted("he said “thanks”", hasNonASCII: true))
        // A space with a combining accent is no space: nothing before `>` is trimmed.
        #expect(!ThanksDetector.isQuoted(" \u{301}> thanks", hasNonASCII: true))
        #expect(ThanksDetector.isQuoted("  > thanks é", hasNonASCII: true))
    }
}
