/// A map keyed by nick hashes (``TextAnalysis/nickHash(_:casemapping:)``).
///
/// As in ``HashSet64``, the keys are hashes already, so they are placed by their own bits
/// (open addressing with linear probing, a quarter full at most) instead of being hashed again
/// with SipHash as `Dictionary` does. The entries sit in one array, in no particular order; the
/// table holds their positions, and a removal moves the last entry into the gap.
struct HashMap64<Value: Sendable>: Sendable {
    private var entries: [(key: UInt64, value: Value)] = []
    /// The position + 1 of the entry each slot holds; 0 for an empty slot.
    private var slots = [Int32](repeating: 0, count: 16)
    private var shift: UInt64 = 64 - 4

    /// An empty map.
    init() {}

    var count: Int { entries.count }

    func contains(_ key: UInt64) -> Bool {
        find(key).position != nil
    }

    /// The value of `key`; setting `nil` removes it.
    subscript(key: UInt64) -> Value? {
        get {
            guard let position = find(key).position else { return nil }
            return entries[position].value
        }
        set {
            if let newValue {
                update(key, default: newValue) { $0 = newValue }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Calls `body` with the value of `key`, stored first as `defaultValue` if there is none.
    @discardableResult
    mutating func update<R>(_ key: UInt64, default defaultValue: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        let found = find(key)
        if let position = found.position { return body(&entries[position].value) }
        var slot = found.slot
        if (entries.count + 1) * 4 > slots.count {
            grow()
            slot = find(key).slot
        }
        entries.append((key, defaultValue()))
        slots[slot] = Int32(entries.count)
        return body(&entries[entries.count - 1].value)
    }

    /// Calls `body` with the value of `key`, if there is one.
    mutating func modify(_ key: UInt64, _ body: (inout Value) -> Void) {
        if let position = find(key).position { body(&entries[position].value) }
    }

    @discardableResult
    mutating func removeValue(forKey key: UInt64) -> Value? {
        let (slot, found) = find(key)
        guard let found else { return nil }
        removeSlot(slot)
        let last = entries.count - 1
        if found != last {
            // The last entry moves into the gap: its slot now points there.
            slots[find(entries[last].key).slot] = Int32(found + 1)
            entries.swapAt(found, last)
        }
        return entries.removeLast().value
    }

    /// Keeps only the entries whose value satisfies `isIncluded`.
    mutating func filter(_ isIncluded: (Value) -> Bool) {
        let kept = entries.filter { isIncluded($0.value) }
        var map = HashMap64()
        while kept.count * 4 > map.slots.count { map.grow() }
        for (key, value) in kept { map[key] = value }
        self = map
    }

    /// The slot a key is in, or the empty slot where it would go, and its entry's position.
    @inline(__always)
    private func find(_ key: UInt64) -> (slot: Int, position: Int?) {
        entries.withUnsafeBufferPointer { entries in
            slots.withUnsafeBufferPointer { slots in
                var i = home(key)
                while true {
                    let s = Int(slots[i])
                    if s == 0 { return (i, nil) }
                    if entries[s - 1].key == key { return (i, s - 1) }
                    i = (i + 1) & (slots.count - 1)
                }
            }
        }
    }

    /// Fibonacci hashing of the key's bits, so that keys that differ only in their low bits
    /// spread too.
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Empties `slot`, moving back the entries after it that probed past it (so that no lookup
    /// stops early at the hole).
    private mutating func removeSlot(_ slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var j = slot
        while true {
            j = (j + 1) & mask
            let s = Int(slots[j])
            if s == 0 { break }
            let k = home(entries[s - 1].key)
            // The entry at `j` stays if its home lies cyclically in (hole, j].
            let stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j)
            if !stays {
                slots[hole] = slots[j]
                hole = j
            }
        }
        slots[hole] = 0
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        shift -= 1
        for position in entries.indices {
            slots[find(entries[position].key).slot] = Int32(position + 1)
        }
    }
}
