import Testing

@testable import RapportIRC

/// The parser's word-at-a-time searches and directly made small strings, checked against the
/// grammar written plainly byte by byte: both must split every line alike, down to the bytes of
/// every field.
struct IRCParserReferenceTests {
    /// The grammar of ``IRCMessageParser`` without any speed-ups; `nil` where it rejects a line.
    static func plainParse(_ line: [UInt8]) -> IRCMessage? {
        let space = UInt8(ascii: " ")
        guard !line.contains(0) else { return nil }
        var i = 0
        func skipSpaces() { while i < line.count, line[i] == space { i += 1 } }
        func atom() -> ArraySlice<UInt8> {
            let start = i
            while i < line.count, line[i] != space { i += 1 }
            return line[start..<i]
        }
        func text(_ bytes: ArraySlice<UInt8>) -> String { Array(bytes).withUnsafeBufferPointer { UTF8Repair.string($0) } }

        skipSpaces()
        guard i < line.count else { return nil }
        var tags: [IRCTag] = []
        if line[i] == UInt8(ascii: "@") {
            let at = i
            i += 1
            let section = atom()
            guard i - at <= IRCMessageParser.maxTagBytes, i < line.count else { return nil }
            for tag in section.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
                let key = tag.prefix { $0 != UInt8(ascii: "=") }
                guard !key.isEmpty else { continue }
                let value = key.count < tag.count ? text(unescaped(tag.dropFirst(key.count + 1))) : ""
                if let index = tags.firstIndex(where: { $0.key == text(key) }) {
                    tags[index].value = value
                } else {
                    tags.append(IRCTag(text(key), value))
                }
            }
            skipSpaces()
        }
        var source: String?
        if i < line.count, line[i] == UInt8(ascii: ":") {
            i += 1
            let atom = atom()
            guard !atom.isEmpty else { return nil }
            source = text(atom)
            skipSpaces()
        }
        let command = atom()
        let letters = command.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        let digits = command.count == 3 && command.allSatisfy { (0x30...0x39).contains($0) }
        guard !command.isEmpty, letters || digits else { return nil }
        var parameters: [String] = []
        while true {
            skipSpaces()
            guard i < line.count else { break }
            if line[i] == UInt8(ascii: ":") {
                parameters.append(text(line[(i + 1)...]))
                break
            }
            parameters.append(text(atom()))
        }
        return IRCMessage(tags: tags, source: source, command: text(command), parameters: parameters)
    }

    static func unescaped(_ value: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        var escaping = false
        for byte in value {
            if escaping {
                let map: [UInt8: UInt8] = [UInt8(ascii: ":"): UInt8(ascii: ";"), UInt8(ascii: "s"): 0x20, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "n"): 0x0A]
                out.append(map[byte] ?? byte)
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return out[...]
    }

    /// Every string of `message` as its exact bytes, in order.
    static func fieldBytes(_ message: IRCMessage) -> [[UInt8]] {
        message.tags.flatMap { [Array($0.key.utf8), Array($0.value.utf8)] } + [Array((message.source ?? "-").utf8), Array(message.command.utf8)]
            + message.parameters.map { Array($0.utf8) }
    }

    /// Parses `line` both ways and records any difference.
    static func expectSameAsPlain(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = line.withUnsafeBufferPointer { try? IRCMessageParser.result($0).get() }
        let plain = plainParse(line)
        let described = String(decoding: line, as: UTF8.self).debugDescription
        #expect(fast == plain, "\(described)", sourceLocation: sourceLocation)
        #expect(fast.map(fieldBytes) == plain.map(fieldBytes), "\(described)", sourceLocation: sourceLocation)
        #expect(fast?.hashValue == plain?.hashValue, "\(described)", sourceLocation: sourceLocation)
    }

    @Test func smallStringsAreBitForBitTheStandardLibrarys() {
        #if arch(x86_64) || arch(arm64)
        #expect(SmallASCII.isAvailable)
        #endif
        let bytes = Array("@k=v :n!u@h PRIVMSG #chan :0123456789".utf8)
        for count in 0...SmallASCII.capacity {
            for start in 0...(bytes.count - count) {
                let field = Array(bytes[start..<(start + count)])
                Self.expectSameAsPlain(Array("CMD ".utf8) + field)
                Self.expectSameAsPlain(Array("CMD :".utf8) + field)
                Self.expectSameAsPlain(Array("CMD ".utf8) + field.filter { $0 != 0x20 } + Array(" x y z w v u t s r q".utf8))
            }
        }
    }

    @Test func fieldsOfEveryLengthAtEveryOffsetSplitLikeThePlainParser() {
        for line in IRCParserFuzzTests.everyFieldLengthAtEveryOffset { Self.expectSameAsPlain(line) }
    }

    @Test func randomLinesSplitLikeThePlainParser() {
        var random = IRCParserFuzzTests.Random(state: 0x2545_F491_4F6C_DD1D)
        let alphabet = Array("ab=;\\: @#!".utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0x00, 0x0D]
        for _ in 0..<20_000 { Self.expectSameAsPlain(random.grammarLine(alphabet)) }
    }
}
