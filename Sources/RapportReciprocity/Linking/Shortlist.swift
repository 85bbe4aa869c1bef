/// The candidates the linear part of the model ranks highest, which the hidden layer then scores
/// in full.
///
/// Until it is full, every candidate is appended; then a candidate scoring above the lowest entry
/// (the first of the lowest, on ties) takes its place. The order of the entries decides ties in
/// the final ranking, so it is part of the model's behaviour.
struct Shortlist: Sendable {
    let capacity: Int
    private(set) var entries: [(row: Int, score: Float)] = []
    /// The index of the first lowest entry, once full.
    private var lowest = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        lowest = 0
    }

    /// Offers a candidate; returns the index of the entry it took, or nil.
    @inline(__always) @discardableResult
    mutating func offer(row: Int, score: Float) -> Int? {
        if entries.count < capacity {
            entries.append((row, score))
            if entries.count == capacity { findLowest() }
            return entries.count - 1
        } else if score > entries[lowest].score {
            let taken = lowest
            entries[taken] = (row, score)
            findLowest()
            return taken
        }
        return nil
    }

    private mutating func findLowest() {
        lowest = 0
        for k in 1..<entries.count where entries[k].score < entries[lowest].score { lowest = k }
    }
}
