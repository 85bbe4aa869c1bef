import Testing
@testable import RapportReciprocity

struct HashMap64Tests {
    @Test func holdsWhatADictionaryHoldsThroughInsertsUpdatesRemovalsAndFilters() {
        var expected: [UInt64: Int] = [:]
        var map = HashMap64<Int>()
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for step in 0..<20000 {
            let r = next()
            // Few distinct keys, so removals hit; keys that differ only in high or in low bits, and 0.
            let base = (r >> 33) % 700
            let key = step % 5 == 0 ? base << 50 : (step % 5 == 1 ? base : base &* 0x1234_5678_9ABC_DEF1)
            switch r % 7 {
            case 0, 1:
                #expect(map.removeValue(forKey: key) == expected.removeValue(forKey: key))
            case 2:
                map.update(key, default: 0) { $0 += step }
                expected[key, default: 0] += step
            case 3:
                map.modify(key) { $0 -= 1 }
                expected[key]? -= 1
            default:
                map[key] = step
                expected[key] = step
            }
            if step % 4000 == 3999 {
                map.filter { $0 % 3 != 0 }
                expected = expected.filter { $0.value % 3 != 0 }
            }
            #expect(map.count == expected.count)
        }
        map[0] = -5
        expected[0] = -5
        for key in expected.keys { #expect(map[key] == expected[key]) }
        for _ in 0..<5000 {
            let key = next()
            #expect(map[key] == expected[key])
        }
    }
}
