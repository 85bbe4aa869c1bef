/// A set of word or nick hashes (``TextAnalysis/hash(_:)``, ``TextAnalysis/nickHash(_:casemapping:)``).
///
/// The keys are hashes already (``TextAnalysis/ChunkHash``), so this set places them by their own
/// bits (open addressing, a quarter full at most) instead of hashing them again with SipHash as
/// `Set` does: a lookup is a multiply and a probe or two, on the replay's hot path (every token
/// of every message is looked up in several of these).
struct HashSet64: Sendable {
    private var slots: [UInt64]
    private var shift: UInt64
    private var containsZero = false
    private(set) var count = 0

    /// An empty set.
    init() {
        slots = [UInt64](repeating: 0, count: 16)
        shift = 64 - 4
    }

    init(_ hashes: some Sequence<UInt64>) {
        self.init()
        for hash in hashes { insert(hash) }
    }

    /// The set of the word hashes of `words`.
    init(words: [String]) {
        self.init(words.map { TextAnalysis.hash($0) })
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        if hash == 0 { return containsZero }
        return slots.withUnsafeBufferPointer { slots in
            var i = slot(hash)
            while true {
                let s = slots[i]
                if s == hash { return true }
                if s == 0 { return false }
                i = (i + 1) & (slots.count - 1)
            }
        }
    }

    mutating func insert(_ hash: UInt64) {
        if hash == 0 {
            if !containsZero { count += 1 }
            containsZero = true
            return
        }
        if (count + 1) * 4 > slots.count { grow() }
        var i = slot(hash)
        while slots[i] != 0 {
            if slots[i] == hash { return }
            i = (i + 1) & (slots.count - 1)
        }
        slots[i] = hash
        count += 1
    }

    /// The slot a hash starts probing at: Fibonacci hashing of its bits, so that keys that differ
    /// only in their low bits spread too.
    @inline(__always)
    private func slot(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        shift -= 1
        count = containsZero ? 1 : 0
        for hash in old where hash != 0 { insert(hash) }
    }
}
