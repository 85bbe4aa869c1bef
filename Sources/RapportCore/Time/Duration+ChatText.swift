extension Duration {
    /// Parses a length of time as people type it: `90s`, `20m`, `2h`, `1d`, `1w`, `1h30m`.
    ///
    /// A bare number means seconds. Returns `nil` for anything else, or for zero parts only.
    public init?(chatText: String) {
        let text = chatText.lowercased().filter { !$0.isWhitespace }
        guard !text.isEmpty else { return nil }
        if let seconds = Int64(text), seconds >= 0 {
            self = .seconds(seconds)
            return
        }
        var total: Int64 = 0
        var number = ""
        for character in text {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: return nil
            }
            guard let n = Int64(number), n <= 1_000_000 else { return nil }
            total += n * unit
            number = ""
        }
        guard number.isEmpty else { return nil }
        self = .seconds(total)
    }

    /// The shortest text that ``init(chatText:)`` reads back as this duration, e.g. `1h30m`.
    public var chatText: String {
        var seconds = components.seconds
        if seconds == 0 { return "0s" }
        var text = ""
        for (unit, suffix) in [(Int64(86400), "d"), (3600, "h"), (60, "m"), (1, "s")] where seconds >= unit {
            text += "\(seconds / unit)\(suffix)"
            seconds %= unit
        }
        return text
    }
}
