/// Common English words: not content for word overlap, and never taken for a nick mentioned in
/// passing (someone called `the` or `help` is only recognised when addressed: `help: …`).
enum StopWords {
    static let words: [String] = [
        "the", "and", "for", "you", "your", "are", "was", "not", "but", "have", "has", "had", "with", "this",
        "that", "there", "then", "than", "they", "them", "what", "when", "where", "which", "who", "why", "how",
        "can", "could", "would", "should", "will", "just", "any", "anyone", "anybody", "some", "someone",
        "all", "its", "it's", "i'm", "don't", "dont", "doesn't", "can't", "cant", "from", "into", "out",
        "about", "like", "get", "got", "use", "using", "also", "one", "yes", "yeah", "now", "know", "need",
        "try", "see", "does", "did", "ok", "okay", "thanks", "thank", "thx", "hello", "hey", "hi", "help",
        "here", "well", "way", "more", "only", "very", "too", "still", "make", "sure", "want", "think",
        "work", "works", "working", "problem", "ubuntu", "linux", "sudo", "install", "file", "files", "lol",
        "good", "nice", "cool", "sorry", "please", "maybe", "because", "other", "same", "new", "old",
        "time", "after", "before", "again", "where", "these", "those", "there's", "that's", "what's",
        "him", "her", "his", "she", "our", "off", "on", "in", "of", "to", "is", "it", "a", "an", "or", "if",
        "be", "do", "no", "so", "up", "my", "me", "we", "at", "by", "as", "go", "he", "am", "man", "guys",
        "people", "thing", "stuff", "right", "left", "way", "back", "first", "last", "next", "all", "none",
        "nothing", "something", "anything", "everything", "windows", "system", "computer", "question",
    ]
    static let hashes = HashSet64(words: words)

    @inline(__always)
    static func contains(_ hash: UInt64) -> Bool { hashes.contains(hash) }
}
