/// The ``LinkFeature``s of one candidate, kept sparse: a bit per feature that is set, and the
/// values of the two features that are not 0 or 1.
///
/// A row holds either self features (the message starts a conversation) or pair features, never
/// both, so 64 bits are enough: bit `n` is the self feature with raw value `n`, or the pair
/// feature with raw value `LinkFeature.firstPair + n`. A row sets about a dozen features, so the
/// model visits only those (``LinkModel``); the dense float row exists only when features are
/// dumped for training (``write(into:)``).
struct FeatureRow: Sendable {
    /// The raw value of the feature of bit 0.
    let first: Int
    /// The bits of the features whose value is not 1 when set.
    let valued: UInt64
    var bits: UInt64 = 0
    /// The value of ``LinkFeature/pDistScaled`` when it is set.
    var distanceScaled: Float = 0
    /// The value of ``LinkFeature/pCommonFraction`` when it is set (never 0 then).
    var commonFraction: Float = 0
    /// Where the model's sums start (``LinkWeights/linearStart``): 0 (from nothing), or, for a row
    /// made by ``pair(distance:gap:)``, the entry that already added the features of ``startBits``.
    private(set) var start = 0
    /// The features the start entry has added: the distance, scaled distance and gap, the first
    /// three a pair row sets, in feature order.
    private(set) var startBits: UInt64 = 0

    /// A row of self features.
    static func selfCandidate() -> FeatureRow { FeatureRow(first: 0, valued: 0) }

    /// A row of pair features, to be set one by one.
    @inline(__always)
    static func pair() -> FeatureRow {
        FeatureRow(first: LinkFeature.firstPair, valued: bit(.pDistScaled) | bit(.pCommonFraction))
    }

    /// Distances from this one on have the same features.
    static let maxDistance = 50
    /// The number of time-gap buckets, ``LinkFeature/pGap0`` to ``LinkFeature/pGap16``.
    static let gapBuckets = LinkFeature.pGap16.rawValue - LinkFeature.pGap0.rawValue + 1
    /// The number of start entries: from nothing, then one per distance and gap.
    static let starts = 1 + maxDistance * gapBuckets

    /// A pair row with its distance features (`distance` is 1 for the newest message) and its
    /// gap bucket `gap` (0 for ``LinkFeature/pGap0``) set, starting from their start entry.
    @inline(__always)
    static func pair(distance: Int, gap: Int) -> FeatureRow {
        let d = min(distance, maxDistance)
        var row = pair()
        switch d {
        case 1: row.set(.pDist1)
        case 2: row.set(.pDist2)
        case 3: row.set(.pDist3)
        case 4...5: row.set(.pDist4to5)
        case 6...10: row.set(.pDist6to10)
        case 11...20: row.set(.pDist11to20)
        default: row.set(.pDist21)
        }
        row.set(.pDistScaled)
        row.distanceScaled = Float(d) / Float(maxDistance)
        row.bits |= bit(.pGap0) << gap
        row.start = 1 + (d - 1) * gapBuckets + gap
        row.startBits = row.bits
        return row
    }

    /// Every row ``pair(distance:gap:)`` makes, at its ``start``, and ``pair()`` at 0: the pair
    /// features of a candidate start from a copy of its row here (a switch over the distance and a
    /// division per candidate cost ≈ 30 instructions more).
    static let pairRows: [FeatureRow] = (0..<starts).map { start in
        start == 0 ? pair() : pair(distance: (start - 1) / gapBuckets + 1, gap: (start - 1) % gapBuckets)
    }

    /// The bit of `feature` in a row of its kind.
    @inline(__always)
    static func bit(_ feature: LinkFeature) -> UInt64 {
        let raw = feature.rawValue
        return 1 << (raw < LinkFeature.firstPair ? raw : raw - LinkFeature.firstPair)
    }

    @inline(__always)
    mutating func set(_ feature: LinkFeature, _ on: Bool = true) {
        if on { bits |= Self.bit(feature) }
    }

    /// The value of the feature of bit `n`, which is set.
    @inline(__always)
    func value(bit n: Int) -> Float {
        guard valued & (1 << n) != 0 else { return 1 }
        return first + n == LinkFeature.pDistScaled.rawValue ? distanceScaled : commonFraction
    }

    /// Writes the dense row (`LinkFeature.count` floats) over zeros.
    func write(into f: UnsafeMutablePointer<Float>) {
        var bits = self.bits
        while bits != 0 {
            let n = bits.trailingZeroBitCount
            f[first + n] = value(bit: n)
            bits &= bits &- 1
        }
    }
}
