/// One line of a log in the Ubuntu IRC corpus format, parsed.
///
/// ```
/// [03:10] <yohannes> can anyone recommend any app to create/open *.rar file?
/// [03:12]  * Hikaru79 waves
/// [05:12] -someone:#ubuntu- a notice
/// === yohannes [~yohannes@adsl-67-112-218-21.dsl.sntc01.pacbell.net]  has joined #ubuntu
/// === strestout1__ is now known as strestout1
/// ```
struct CorpusLine {
    enum Kind: Equatable {
        case message, action, join, leave
        case nickChange(String)
        /// A system line the engine does not need (mode, topic, netsplit, …).
        case other
        /// Not in the corpus format.
        case invalid
    }

    var kind: Kind
    /// Minutes since midnight, for lines that carry a time.
    var minute: Int?
    var nick: String
    var text: String

    static let invalid = CorpusLine(kind: .invalid, minute: nil, nick: "", text: "")

    /// Parses the bytes of one line (without its newline).
    init(_ line: Slice<UnsafeBufferPointer<UInt8>>) {
        self = Self.parse(line) ?? .invalid
    }

    init(kind: Kind, minute: Int?, nick: String, text: String) {
        self.kind = kind
        self.minute = minute
        self.nick = nick
        self.text = text
    }

    static func parse(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> CorpusLine? {
        var b = line
        while let last = b.last, last == 0x0D || last == 0x20 { b = b.dropLast() }
        // Byte by byte: `starts(with: "=== ".utf8)` goes through the generic sequence code.
        if b.count >= 4, b[b.startIndex] == UInt8(ascii: "="), b[b.startIndex + 1] == UInt8(ascii: "="),
            b[b.startIndex + 2] == UInt8(ascii: "="), b[b.startIndex + 3] == 0x20
        {
            return system(b.dropFirst(4))
        }
        guard b.count >= 8, b.first == UInt8(ascii: "["), b[b.startIndex + 3] == UInt8(ascii: ":"),
            b[b.startIndex + 6] == UInt8(ascii: "]"),
            let hours = digits(b[(b.startIndex + 1)..<(b.startIndex + 3)]),
            let minutes = digits(b[(b.startIndex + 4)..<(b.startIndex + 6)])
        else { return nil }
        let minute = hours * 60 + minutes
        var rest = b.dropFirst(7)
        while rest.first == 0x20 { rest = rest.dropFirst() }
        guard let first = rest.first else { return nil }
        switch first {
        case UInt8(ascii: "<"):
            guard let close = rest.firstIndex(of: UInt8(ascii: ">")), close > rest.startIndex + 1 else { return nil }
            let nick = String(decoding: rest[(rest.startIndex + 1)..<close], as: UTF8.self)
            var text = rest[(close + 1)...]
            if text.first == 0x20 { text = text.dropFirst() }
            return CorpusLine(kind: .message, minute: minute, nick: nick, text: String(decoding: text, as: UTF8.self))
        case UInt8(ascii: "*"):
            let body = rest.dropFirst().drop { $0 == 0x20 }
            let end = body.firstIndex(of: 0x20) ?? body.endIndex
            guard end > body.startIndex else { return nil }
            let text = body[(end < body.endIndex ? end + 1 : end)...]
            return CorpusLine(
                kind: .action, minute: minute, nick: String(decoding: body[..<end], as: UTF8.self),
                text: String(decoding: text, as: UTF8.self))
        case UInt8(ascii: "-"):
            // -nick:#channel- text (a notice to the channel)
            let body = rest.dropFirst()
            guard let colon = body.firstIndex(of: UInt8(ascii: ":")), let dash = body[colon...].firstIndex(of: UInt8(ascii: "-")),
                colon > body.startIndex
            else { return nil }
            let text = body[(dash + 1)...].drop { $0 == 0x20 }
            return CorpusLine(
                kind: .message, minute: minute, nick: String(decoding: body[..<colon], as: UTF8.self),
                text: String(decoding: text, as: UTF8.self))
        default:
            return nil
        }
    }

    static func system(_ body: Slice<UnsafeBufferPointer<UInt8>>) -> CorpusLine {
        let end = body.firstIndex(of: 0x20) ?? body.endIndex
        let nick = String(decoding: body[..<end], as: UTF8.self)
        // The body and a blank after it, on the stack.
        let kind = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: body.count + 1) { buffer -> Kind in
            _ = buffer.initialize(from: body)
            buffer[body.count] = 0x20
            let bytes = UnsafeBufferPointer(buffer)
            if ByteSearch.contains(joined, in: bytes) { return .join }
            if ByteSearch.contains(left, in: bytes) || ByteSearch.contains(quit, in: bytes) { return .leave }
            if let at = ByteSearch.firstIndex(of: renamed, in: bytes) {
                let rest = bytes[(at + renamed.count)...]
                let end = rest.firstIndex(of: 0x20) ?? rest.endIndex
                if end > rest.startIndex { return .nickChange(String(decoding: rest[..<end], as: UTF8.self)) }
            }
            return .other
        }
        return CorpusLine(kind: kind, minute: nil, nick: nick, text: "")
    }

    static let joined = Array(" has joined ".utf8)
    static let left = Array(" has left ".utf8)
    static let quit = Array(" has quit ".utf8)
    static let renamed = Array(" is now known as ".utf8)

    @inline(__always)
    static func digits(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var value = 0
        for c in b {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }
}
