import Testing
@testable import RapportReciprocity

struct QuestionDetectorTests {
    let detector = QuestionDetector()

    @Test("questions", arguments: [
        "how do I mount a usb stick?",
        "how do I mount a usb stick",
        "anyone know why my wifi drops",
        "is there a way to resize a partition",
        "hi all, can someone help me with grub",
        "bob: what does that flag do",
        "I need help with my sound card",
        "i'm trying to install nvidia drivers and it fails",
        "it works? :)",
    ])
    func asks(_ text: String) {
        #expect(detector.isQuestion(text), "\(text)")
    }

    @Test("not questions", arguments: ["try sudo apt install vlc", "thanks bob", "ok", "that worked", "lol"])
    func tells(_ text: String) {
        #expect(!detector.isQuestion(text), "\(text)")
    }
}
