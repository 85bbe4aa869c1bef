import Testing
@testable import RapportReciprocity

struct ShortlistTests {
    /// The rule the shortlist keeps, written the slow way: when full, find the first lowest entry
    /// and replace it with a candidate that scores above it.
    static func naive(_ scores: [Float], capacity: Int) -> [(row: Int, score: Float)] {
        var list: [(row: Int, score: Float)] = []
        for (row, score) in scores.enumerated() {
            if list.count < capacity {
                list.append((row, score))
                continue
            }
            var lowest = 0
            for k in 1..<list.count where list[k].score < list[lowest].score { lowest = k }
            if score > list[lowest].score { list[lowest] = (row, score) }
        }
        return list
    }

    @Test("keeps the entries, in the order, of the naive rule, ties included", arguments: [1, 3, 8])
    func keepsWhatTheNaiveRuleKeeps(capacity: Int) {
        var state: UInt64 = 7
        for _ in 0..<200 {
            // Few distinct scores, so ties are common.
            let scores = (0..<50).map { _ -> Float in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(state >> 61)
            }
            var shortlist = Shortlist(capacity: capacity)
            shortlist.removeAll()
            for (row, score) in scores.enumerated() { shortlist.offer(row: row, score: score) }
            let expected = Self.naive(scores, capacity: capacity)
            #expect(shortlist.entries.map(\.row) == expected.map(\.row))
            #expect(shortlist.entries.map(\.score) == expected.map(\.score))
        }
    }

    @Test func startsEmptyAgainAfterRemoveAll() {
        var shortlist = Shortlist(capacity: 2)
        for (row, score) in [Float(3), 1, 2].enumerated() { shortlist.offer(row: row, score: score) }
        #expect(shortlist.entries.map(\.row) == [0, 2])
        shortlist.removeAll()
        shortlist.offer(row: 5, score: 0)
        #expect(shortlist.entries.map(\.row) == [5])
    }
}
