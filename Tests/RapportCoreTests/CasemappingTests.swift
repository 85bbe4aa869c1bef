import RapportCore
import Testing

/// `Casemapping` folds UTF-8 bytes; these check it against folding characters, as the RFCs
/// describe it, over text with and without characters outside ASCII.
struct CasemappingTests {
    static let mappings: [Casemapping] = [.ascii, .rfc1459, .strictRFC1459, .none]

    /// Folding character by character, the way the mappings are defined.
    static func foldedByCharacter(_ text: String, _ mapping: Casemapping) -> String {
        guard mapping != .none else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "A"..."Z": Unicode.Scalar(UInt8(scalar.value + 32))
            case "[" where mapping != .ascii: "{"
            case "]" where mapping != .ascii: "}"
            case "\\" where mapping != .ascii: "|"
            case "~" where mapping == .rfc1459: "^"
            default: scalar
            }
        }))
    }

    /// Texts from an alphabet of ASCII letters, IRC's special characters and characters of two,
    /// three and four UTF-8 bytes, from a fixed seed.
    static func texts(count: Int) -> [String] {
        let alphabet: [Character] = ["a", "Z", "q", "[", "]", "\\", "~", "{", "}", "|", "^", "_", "-", "0", "é", "É", "ß", "字", "🙏", "e\u{301}"]
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        return (0..<count).map { _ in String((0..<(next() % 12)).map { _ in alphabet[next() % alphabet.count] }) }
    }

    @Test("folding bytes gives what folding characters gives", arguments: mappings)
    func foldingBytesEqualsFoldingCharacters(mapping: Casemapping) {
        for text in Self.texts(count: 2000) {
            #expect(mapping.fold(text) == Self.foldedByCharacter(text, mapping), "\(text)")
            #expect(mapping.fold(text).utf8.elementsEqual(Self.foldedByCharacter(text, mapping).utf8), "\(text)")
        }
    }

    @Test("two names are equal exactly when their folded forms are", arguments: mappings)
    func equalAgreesWithFoldedForms(mapping: Casemapping) {
        let texts = Self.texts(count: 300)
        for (a, b) in zip(texts, texts.dropFirst()) + texts.map({ ($0, $0.uppercased()) }) {
            #expect(mapping.equal(a, b) == (mapping.fold(a) == mapping.fold(b)), "\(a) \(b)")
        }
    }

    @Test func canonicallyEquivalentNamesAreEqualAsStringsAre() {
        #expect(Casemapping.rfc1459.equal("Ren\u{E9}", "rene\u{301}"))
        #expect(Casemapping.none.equal("@ren\u{E9}:x", "@rene\u{301}:x"))
        #expect(!Casemapping.ascii.equal("ren\u{E9}", "rene"))
    }
}
