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
        #expect(detector.detect("bob++") == .thanks(.init(form: .plusPlus, plusPlus: ["bob"])))
        #expect(detector.detect("@alice++ great answer") == .thanks(.init(form: .plusPlus, plusPlus: ["alice"])))
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
        ("thanks, but I've been there", .declined),
        ("yeah thanks but this is trivial enough", .declined),
        ("yeah, thanks, i've seen that. i was looking for experiences", .declined),
        ("thanks in advance", .inAdvance),
        ("how do I mount a usb stick? TIA", .inAdvance),
        ("thx in adv", .inAdvance),
        ("thank u in advance!", .inAdvance),
        ("ty ahead of time", .inAdvance),
        ("thanks for any help", .inAdvance),
        ("any help would be appreciated", .inAdvance),
        ("i would appreciate it greatly", .inAdvance),
        ("thank u I will wait for your answer", .inAdvance),
        ("merci d'avance", .inAdvance),
        ("thanks for nothing", .sarcastic),
        ("Yeah thanks :(", .sarcastic),
        ("thank god it's friday", .exclamation),
        ("you can thank the ATI gods", .exclamation),
        ("gtg, enjoy dapper all. thx to the developers", .absent),
        ("Good thx , and you?", .smallTalk),
        ("<bob> hi <carol> thanks", .quoted),
        ("gdb: ill do it again, ill brb on gnome ;) cheers!!", .farewell),
        ("nivekc1: either ask in #ubuntu-offtopic, or find a Mandriva channel.  Thank you.", .inAdvance),
        ("please pastebin the output, thanks", .inAdvance),
        ("thanx for info the bot told me already", .declined),
        ("> thanks", .quoted),
        ("he just said \"thanks\" and left", .quoted),
    ])
    func refuses(_ text: String, _ reason: ThanksDetector.Refusal) {
        #expect(detector.detect(text) == .refused(reason), "\(text)")
    }

    @Test("a thanks after a question is marked so: the engine credits it only when it closes help given")
    func thanksAfterAQuestion() {
        #expect(detector.detect("will it download it again? thanks for your help, this was very helpful") == .thanks(.init(form: .phrase, afterQuestion: true)))
        #expect(detector.detect("anyone know how to fix grub? thanks") == .refused(.inAdvance))
        #expect(detector.detect("varunendra what is the command for the wifi? thx very much") == .refused(.inAdvance))
        #expect(detector.detect("thanks! and how do I mount it?") == .thanks(.init(form: .phrase)))
        #expect(detector.detect("Muelli: Thx... but does that also reinstall everything?") == .thanks(.init(form: .phrase)))
    }

    @Test("a leading <nick> is handed to the engine, which knows whether it addresses someone present")
    func leadingAngleNick() {
        #expect(detector.detect("<bob> thanks alice") == .thanks(.init(form: .phrase, angleNick: "bob")))
        #expect(detector.detect("<Dr_Willis> Thanks for information") == .thanks(.init(form: .phrase, angleNick: "Dr_Willis")))
    }

    @Test("the verb thank sends the thanks elsewhere unless it is to you", arguments: [
        "thank crimsun_, not me. :-P", "you can thank ubuntu for ctrl-alt-backspace not working",
    ])
    func thankSomeoneElse(_ text: String) {
        #expect(!detector.detect(text).isThanks, "\(text)")
        #expect(detector.detect("thank ya, that did it").isThanks)
        #expect(detector.detect("topyli: thank").isThanks)
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
        #expect(!detector.detect("I tried the other partition layout as described " + tail + " and it worked thanks to it, " + tail).isThanks)
        #expect(detector.detect("Ah, I see. I tried the other partition layout as described " + tail + " I'll take note of that. Thanks").isThanks)
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
