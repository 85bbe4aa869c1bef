import Testing
@testable import RapportReciprocity

struct ByteSearchTests {
    /// The first occurrence, found the slow way.
    static func naive(_ needle: [UInt8], _ haystack: [UInt8]) -> Int? {
        if needle.isEmpty { return 0 }
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test func firstIndexIsTheFirstOccurrenceFoundByteByByte() {
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        // A small alphabet with NUL and a non-ASCII byte, so matches, near misses and padding all occur.
        let alphabet: [UInt8] = [0, 0x61, 0x62, 0x20, 0xC3]
        for _ in 0..<5000 {
            let haystack = (0..<Int(next() % 40)).map { _ in alphabet[Int(next() % 5)] }
            let needle = (0..<Int(next() % 4)).map { _ in alphabet[Int(next() % 5)] }
            #expect(ByteSearch.firstIndex(of: needle, in: haystack) == Self.naive(needle, haystack), "\(needle) in \(haystack)")
        }
    }

    @Test func pairFilterNeverRulesOutANeedleThatOccurs() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet: [UInt8] = [0x20, 0x61, 0x62, 0x63, 0x74, 0xC3]
        var ruledOut = 0
        for _ in 0..<5000 {
            let haystack = (0..<Int(next() % 40)).map { _ in alphabet[Int(next() % 6)] }
            let needle = (0..<Int(next() % 7)).map { _ in alphabet[Int(next() % 6)] }
            let filter = ByteSearch.PairFilter(haystack)
            if Self.naive(needle, haystack) != nil {
                #expect(filter.mayContain(needle), "\(needle) in \(haystack)")
            } else if !filter.mayContain(needle) {
                ruledOut += 1
            }
        }
        // It filters: most absent needles are ruled out without a search.
        #expect(ruledOut > 1000)
        #expect(!ByteSearch.PairFilter(Array(" how do i mount a usb stick ".utf8)).mayContain(Array(" thanks ".utf8)))
    }

    @Test("matches marks exactly the bytes equal to the one sought", arguments: [0, 0x2B, 0x3F, 0x7F, 0x80, 0xFF] as [UInt8])
    func matchesMarksEqualBytes(_ byte: UInt8) {
        let samples: [UInt64] = [0, ~0, 0x2B2B_003F_7F80_FF01, 0x0102_0304_0506_0708, 0x8000_7F00_FF00_3F2B]
        for word in samples {
            var expected: UInt64 = 0
            for k in 0..<8 where UInt8(truncatingIfNeeded: word >> (8 * UInt64(k))) == byte { expected |= 0x80 << (8 * UInt64(k)) }
            #expect(ByteSearch.matches(of: byte, in: word) == expected, "\(word)")
        }
    }
}
