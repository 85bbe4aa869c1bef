/// Tells whether a chat message asks something: a `?`, or the shape of a question without one
/// ("how do I mount a usb stick", "anyone know why X", "is there a way to …", "i need help with …").
public struct QuestionDetector: Sendable {
    public init() {}

    /// Whether `text` asks a question.
    public func isQuestion(_ text: String) -> Bool { isQuestion(TextAnalysis(text)) }

    /// Whether the analysed text asks a question.
    public func isQuestion(_ analysis: TextAnalysis) -> Bool {
        if analysis.endsWithQuestionMark { return true }
        var tokens = analysis.tokens[...]
        // Skip addressing ("bob: how do i …") and greetings ("hi all, how can i …").
        if let first = tokens.first, first.addressMark { tokens = tokens.dropFirst() }
        while let first = tokens.first, Self.openers.contains(first.word) { tokens = tokens.dropFirst() }
        guard let first = tokens.first else { return false }
        if analysis.hasQuestionMark && tokens.count >= 3 { return true }
        if Self.questionWords.contains(first.word) && tokens.count >= 3 {
            // "how do …", "is there …", "can someone …", "anyone know …"
            return true
        }
        if tokens.count >= 3, let second = tokens.dropFirst().first {
            let pair = first.word &* 31 &+ second.word
            if Self.questionPairs.contains(pair) { return true }
        }
        return false
    }

    static let openers = HashSet64(words:
        ["hi", "hello", "hey", "hiya", "all", "guys", "folks", "everyone", "ok", "okay", "so", "um", "uh", "also", "and",
         "but", "please", "sorry", "question", "quick", "q"])

    static let questionWords = HashSet64(words:
        ["how", "what", "what's", "whats", "why", "where", "when", "which", "who", "whom", "whose", "is", "are", "does",
         "do", "did", "can", "could", "would", "should", "will", "has", "have", "anyone", "anybody", "someone",
         "somebody", "any", "isn't", "doesn't", "can't", "won't", "shouldn't", "wie", "was", "warum", "wo", "comment",
         "pourquoi", "quoi", "cómo", "como", "qué", "que", "por"])

    static let questionPairs = HashSet64(
        [("i", "need"), ("i", "want"), ("i'm", "trying"), ("im", "trying"), ("i", "cant"), ("i", "can't"),
         ("need", "help"), ("help", "me"), ("i", "wonder"), ("i", "wanna"), ("looking", "for"),
         ("was", "wondering")]
            .map { TextAnalysis.hash($0.0) &* 31 &+ TextAnalysis.hash($0.1) })
}
