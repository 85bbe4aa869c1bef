import Testing
@testable import RapportReciprocity

/// The sparse scoring must give what a dot product over the dense row gives: the replay's links
/// depend on the orderings of scores.
struct LinkModelTests {
    /// A deterministic generator (SplitMix64), so a failure can be replayed.
    struct Numbers {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 4 - 2 }
        mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
    }

    struct Dense {
        var linear: [Float]
        var hidden: [Float]
        var bias: [Float]
        var output: [Float]

        var model: LinkModel {
            LinkModel(
                featureNames: LinkFeature.allCases.map { "\($0)" }, linear: linear, hiddenWeights: hidden, hiddenBias: bias,
                outputWeights: output)
        }

        /// The score as the model computed it before rows were sparse: every feature in order.
        func score(_ f: [Float]) -> Float {
            var s: Float = 0
            for i in 0..<LinkFeature.count { s += linear[i] * f[i] }
            if bias.isEmpty { return s }
            var a = bias
            for i in 0..<LinkFeature.count where f[i] != 0 {
                for h in 0..<bias.count { a[h] += f[i] * hidden[i * bias.count + h] }
            }
            var out: Float = 0
            for h in 0..<bias.count { out += output[h] * Self.activation(a[h]) }
            return s + out
        }

        static func activation(_ x: Float) -> Float {
            let x = min(max(x, -3), 3)
            let x2 = x * x
            return x * (27 + x2) / (27 + 9 * x2)
        }
    }

    /// A row of random features; a pair row is made either with its distance and gap, so that
    /// its sums start from the model's tables, or feature by feature, so that they start from 0.
    static func randomRow(_ numbers: inout Numbers, pair: Bool) -> FeatureRow {
        let fromTables = pair && numbers.next() % 2 == 0
        var row =
            fromTables
            ? FeatureRow.pair(distance: Int(numbers.next() % 60) + 1, gap: Int(numbers.next() % UInt64(FeatureRow.gapBuckets)))
            : pair ? FeatureRow.pair() : FeatureRow.selfCandidate()
        let features = LinkFeature.allCases.filter {
            ($0.rawValue >= LinkFeature.firstPair) == pair && (!fromTables || $0.rawValue > LinkFeature.pGap16.rawValue)
        }
        for feature in features where numbers.next() % 4 == 0 { row.set(feature) }
        if pair {
            if !fromTables {
                row.set(.pDistScaled)
                row.distanceScaled = Float(numbers.next() % 50 + 1) / 50
            }
            if numbers.next() % 2 == 0 {
                row.set(.pCommonFraction)
                row.commonFraction = Float(numbers.next() % 5 + 1) / 7
            }
        }
        return row
    }

    static func dense(_ row: FeatureRow) -> [Float] {
        var f = [Float](repeating: 0, count: LinkFeature.count)
        f.withUnsafeMutableBufferPointer { row.write(into: $0.baseAddress!) }
        return f
    }

    @Test("sparse scores equal the dense dot product up to rounding", arguments: [0, 8, 32, 40])
    func sparseScoreEqualsDense(hiddenUnits: Int) {
        var numbers = Numbers(state: UInt64(hiddenUnits) + 1)
        let dense = Dense(
            linear: numbers.floats(LinkFeature.count), hidden: numbers.floats(LinkFeature.count * hiddenUnits),
            bias: numbers.floats(hiddenUnits), output: numbers.floats(hiddenUnits))
        let model = dense.model
        #expect(model.isLinear == (hiddenUnits == 0))
        for k in 0..<2000 {
            let row = Self.randomRow(&numbers, pair: k % 4 != 0)
            let expected = dense.score(Self.dense(row))
            #expect(abs(model.score(row) - expected) <= 1e-4, "row \(k)")
        }
    }

    @Test("a pair row made with its distance and gap sets those features, and they come first", arguments: [
        (1, 0, LinkFeature.pDist1, LinkFeature.pGap0), (3, 1, .pDist3, .pGap1), (5, 2, .pDist4to5, .pGap2to4),
        (10, 3, .pDist6to10, .pGap5to15), (20, 4, .pDist11to20, .pGap16), (21, 0, .pDist21, .pGap0), (80, 4, .pDist21, .pGap16),
    ])
    func pairRowFromDistanceAndGap(distance: Int, gap: Int, distanceFeature: LinkFeature, gapFeature: LinkFeature) {
        let row = FeatureRow.pair(distance: distance, gap: gap)
        #expect(row.bits == FeatureRow.bit(distanceFeature) | FeatureRow.bit(.pDistScaled) | FeatureRow.bit(gapFeature))
        #expect(row.startBits == row.bits)
        #expect(row.distanceScaled == Float(min(distance, 50)) / 50)
        // Every other feature a pair row may set comes after them, so the sums add them first.
        let later = LinkFeature.allCases.filter { $0.rawValue > LinkFeature.pGap16.rawValue }
        #expect(later.allSatisfy { FeatureRow.bit($0) > row.startBits })
    }

    @Test func pairRowTableHoldsTheRowOfEachDistanceAndGapAtItsStart() {
        #expect(FeatureRow.pairRows.count == FeatureRow.starts)
        #expect(FeatureRow.pairRows[0].bits == 0 && FeatureRow.pairRows[0].start == 0)
        for distance in 1...FeatureRow.maxDistance + 5 {
            for gap in 0..<FeatureRow.gapBuckets {
                let made = FeatureRow.pair(distance: distance, gap: gap)
                let stored = FeatureRow.pairRows[made.start]
                #expect(stored.start == made.start && stored.bits == made.bits && stored.startBits == made.startBits)
                #expect(stored.distanceScaled.bitPattern == made.distanceScaled.bitPattern && stored.commonFraction == 0)
                #expect(stored.first == made.first && stored.valued == made.valued)
            }
        }
    }

    @Test func denseRowHoldsEachFeatureSetWithItsValue() {
        var row = FeatureRow.pair()
        row.set(.pDist2)
        row.set(.pDistScaled)
        row.distanceScaled = 0.04
        row.set(.pCommonFraction)
        row.commonFraction = 0.5
        row.set(.pCandShort)
        let f = Self.dense(row)
        #expect(f[LinkFeature.pDist2.rawValue] == 1)
        #expect(f[LinkFeature.pDistScaled.rawValue] == 0.04)
        #expect(f[LinkFeature.pCommonFraction.rawValue] == 0.5)
        #expect(f[LinkFeature.pCandShort.rawValue] == 1)
        #expect(f.filter { $0 != 0 }.count == 4)
        var selfRow = FeatureRow.selfCandidate()
        selfRow.set(.sBias)
        selfRow.set(.sFirstInWindow)
        let g = Self.dense(selfRow)
        #expect(g[LinkFeature.sBias.rawValue] == 1 && g[LinkFeature.sFirstInWindow.rawValue] == 1)
        #expect(g.filter { $0 != 0 }.count == 2)
    }

    @Test func everyFeatureHasItsOwnBitInARowOfItsKind() {
        let selfCount = LinkFeature.firstPair
        let pairCount = LinkFeature.count - LinkFeature.firstPair
        #expect(selfCount <= 64 && pairCount <= 64)
        let bits = LinkFeature.allCases.map { FeatureRow.bit($0) }
        #expect(Set(bits[..<selfCount]).count == selfCount)
        #expect(Set(bits[selfCount...]).count == pairCount)
    }
}
