/// Cuts text into pieces that each fit a byte budget, preferring word boundaries and never
/// splitting a UTF-8 sequence.
///
/// The connector computes the budget from the line limit minus everything the server adds when
/// it relays the line (`:nick!user@host PRIVMSG #target :`) and CR LF.
public enum IRCTextSplitter {
    /// Splits `text` (one line, no CR/LF) into pieces of at most `budget` UTF-8 bytes.
    ///
    /// A cut goes at the last space within the budget when there is one in its second half;
    /// otherwise at the last scalar boundary. Spaces at a cut are dropped.
    public static func split(_ text: String, budget: Int) -> [String] {
        let budget = max(budget, 4)  // a UTF-8 scalar always fits
        let bytes = Array(text.utf8)
        guard bytes.count > budget else { return bytes.isEmpty ? [] : [text] }
        var pieces: [String] = []
        var start = 0
        while start < bytes.count {
            while start < bytes.count, bytes[start] == 0x20, !pieces.isEmpty { start += 1 }
            if start >= bytes.count { break }
            if bytes.count - start <= budget {
                pieces.append(String(decoding: bytes[start...], as: UTF8.self))
                break
            }
            var end = start + budget
            // The last space within the budget (a space at `end` itself is a clean cut too).
            var space = end
            while space > start + budget / 2, bytes[space] != 0x20 { space -= 1 }
            if bytes[space] == 0x20, space > start {
                end = space
            } else {
                while end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a scalar
                if end == start { end = start + budget }
            }
            var pieceEnd = end
            while pieceEnd > start, bytes[pieceEnd - 1] == 0x20 { pieceEnd -= 1 }
            if pieceEnd > start { pieces.append(String(decoding: bytes[start..<pieceEnd], as: UTF8.self)) }
            start = end
        }
        return pieces
    }

    /// Splits user text into protocol-safe lines: LF (or CR LF) separates lines, as the
    /// ``OutgoingMessage`` contract says; a lone CR becomes a space; NUL and SOH (CTCP's
    /// delimiter) are removed; empty lines are dropped.
    public static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "\n":
                lines.append(String(current))
                current = String.UnicodeScalarView()
            case "\r":
                if i + 1 < scalars.count, scalars[i + 1] == "\n" { continue }
                current.append(" ")
            case "\0", "\u{01}": continue
            default: current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines.filter { !$0.allSatisfy { $0 == " " } }
    }
}
