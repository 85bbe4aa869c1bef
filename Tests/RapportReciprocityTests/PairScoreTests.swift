import RapportCore
import Testing
@testable import RapportReciprocity

/// The linear score of a pair whose authors are not related is summed from the weights each side
/// added up once (``ReplyLinker/unrelatedLinearScore(_:_:start:context:)``): it must be the linear
/// score of the pair's feature row, but for rounding.
struct PairScoreTests {
    static let nicks = ["alice", "bob", "carol", "dave", "erin", "ubottu", "frank", "grace"]
    static let texts = [
        "how do I mount a usb stick?", "bob: use the files app", "thanks alice", "!grub", "hi all",
        "anyone know why grub fails after the kernel upgrade?", "the kernel upgrade broke grub here too",
        "try sudo update-grub then reboot", "carol, did the usb stick mount?", "ok", "@dave check dmesg for the usb stick",
        "reboot and see", "wireless drivers for broadcom are in the restricted manager",
    ]

    @Test func unrelatedPairScoreIsTheLinearScoreOfItsRow() {
        var numbers = LinkModelTests.Numbers(state: 11)
        let model = LinkModel(featureNames: LinkFeature.allCases.map { "\($0)" }, linear: numbers.floats(LinkFeature.count))
        var linker = ReplyLinker(model: model)
        var facts: [(user: UInt64, bits: UInt64)] = []
        var time = 0.0
        var (related, unrelated) = (0, 0)
        for _ in 0..<400 {
            let nick = Self.nicks[Int(numbers.next() % UInt64(Self.nicks.count))]
            let text = Self.texts[Int(numbers.next() % UInt64(Self.texts.count))]
            time += Double(numbers.next() % 400)
            var input = ReplyLinker.Input(
                kind: .message, nick: nick, time: time, analysis: TextAnalysis(text), isQuestion: text.hasSuffix("?"),
                isThanks: text.hasPrefix("thanks"), isBot: nick == "ubottu")
            let user = TextAnalysis.nickHash(nick, casemapping: .rfc1459)
            input.nickHash = user
            let state = linker.users[user]
            let query = linker.makeEntry(input, user: user, state: state, sequence: linker.sequence)
            linker.forEachPair(query, state: state, facts: &facts) { _, candidate, start, context in
                guard !context.mayRelate(candidate) else {
                    related += 1
                    return
                }
                unrelated += 1
                let expected = model.linearScore(linker.pairFeatures(query, candidate, start: start, context: context))
                let summed = linker.unrelatedLinearScore(query, candidate, start: start, context: context)
                #expect(abs(summed - expected) <= 1e-4, "\(summed) \(expected)")
            }
            _ = linker.link(input)
        }
        #expect(related > 100 && unrelated > 1000)
    }
}
