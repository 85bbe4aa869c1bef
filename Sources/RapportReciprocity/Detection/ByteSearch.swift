/// Substring search on UTF-8 bytes: Foundation's `contains` is far too slow for a replay of
/// hundreds of thousands of lines.
enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, or `nil`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        let n = needle.count, h = haystack.count
        guard n > 0, n <= h, let first = needle.first else { return n == 0 ? 0 : nil }
        var i = 0
        while i <= h - n {
            if haystack[i] == first {
                var j = 1
                while j < n, haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool { firstIndex(of: needle, in: haystack) != nil }
}
