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

    /// A row of self features.
    static func selfCandidate() -> FeatureRow { FeatureRow(first: 0, valued: 0) }

    /// A row of pair features.
    static func pair() -> FeatureRow {
        FeatureRow(first: LinkFeature.firstPair, valued: bit(.pDistScaled) | bit(.pCommonFraction))
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
