/// Finds a command in a message: `!thanks bob`, `rapport: thanks bob`, or `thanks bob` in a DM.
///
/// Pure and protocol-agnostic; the runtime gives it the prefix in force for the channel and the
/// bot's current nick.
public struct CommandParser: Sendable {
    /// A command found in a message.
    public struct Match: Sendable, Hashable {
        public var name: String
        public var arguments: [String]
        public var argumentText: String
        /// Whether the bot was named (`rapport: …`) or written to privately, rather than only
        /// prefixed: worth a hint if the command is unknown.
        public var addressed: Bool
    }

    public var prefix: String
    public var botNick: String
    public var casemapping: Casemapping

    public init(prefix: String, botNick: String, casemapping: Casemapping = .rfc1459) {
        self.prefix = prefix
        self.botNick = botNick
        self.casemapping = casemapping
    }

    /// The command in `text`, or `nil` if the text is not a command.
    public func parse(_ text: String, isDirect: Bool) -> Match? {
        let trimmed = text.trimmingLeadingSpaces()
        var rest: Substring
        var addressed = isDirect
        if !prefix.isEmpty, trimmed.hasPrefix(prefix) {
            rest = trimmed.dropFirst(prefix.count)
            // "!" alone or "! foo" or "!!!" is not a command.
            guard let first = rest.first, first.isLetter || first.isNumber else { return nil }
        } else if let afterNick = stripAddress(trimmed) {
            rest = afterNick
            addressed = true
        } else if isDirect {
            rest = trimmed
        } else {
            return nil
        }
        rest = rest.trimmingLeadingSpaces()
        let nameEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
        let name = rest[..<nameEnd].lowercased()
        guard !name.isEmpty, name.count <= 32 else { return nil }
        let argumentText = String(rest[nameEnd...].trimmingLeadingSpaces()).trimmingTrailingSpaces()
        return Match(name: name, arguments: Self.split(argumentText), argumentText: argumentText, addressed: addressed)
    }

    /// `rapport: help`, `rapport, help`, `@rapport help` → `help`.
    private func stripAddress(_ text: Substring) -> Substring? {
        var text = text
        if text.hasPrefix("@") { text = text.dropFirst() }
        // Not `text.count`: that would walk every character of every message in the channel.
        let head = text.prefix(botNick.count)
        guard casemapping.equal(String(head), botNick) else { return nil }
        let after = text.dropFirst(botNick.count)
        guard let mark = after.first, mark == ":" || mark == "," || mark == " " else { return nil }
        let rest = after.dropFirst()
        guard !rest.trimmingLeadingSpaces().isEmpty else { return nil }
        return rest
    }

    /// Splits arguments on spaces, keeping "quoted words" and 'quoted words' together.
    public static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in text {
            if let q = quote {
                if character == q { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'", !inWord {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> Substring {
        let s = self[...]
        return Substring(s.drop(while: \.isWhitespace))
    }

    func trimmingTrailingSpaces() -> String {
        var s = String(self)
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
