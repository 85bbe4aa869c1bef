import Testing
@testable import RapportReciprocity

struct HashSet64Tests {
    @Test func containsExactlyWhatWasInserted() {
        var inserted: Set<UInt64> = []
        var set = HashSet64()
        var state: UInt64 = 1
        for k in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Keys that differ only in their high bits or only in their low bits, and 0.
            let key = k % 3 == 0 ? state << 40 : (k % 3 == 1 ? state >> 40 : state)
            set.insert(key)
            inserted.insert(key)
        }
        set.insert(0)
        inserted.insert(0)
        #expect(set.count == inserted.count)
        for key in inserted { #expect(set.contains(key)) }
        for k in 0..<5000 {
            let probe = UInt64(k) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
            #expect(set.contains(probe) == inserted.contains(probe))
        }
    }

    @Test func wordSetsMatchWordHashes() {
        let set = HashSet64(words: ["thanks", "Merci", "ありがとう"])
        #expect(set.contains(TextAnalysis.hash("thanks")))
        #expect(set.contains(TextAnalysis.hash("merci")))
        #expect(set.contains(TextAnalysis.hash("ありがとう")))
        #expect(!set.contains(TextAnalysis.hash("thank")))
        #expect(!set.contains(0))
        #expect(!HashSet64().contains(0))
    }
}
