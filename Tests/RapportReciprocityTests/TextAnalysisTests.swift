import RapportCore
import Testing
@testable import RapportReciprocity

struct TextAnalysisTests {
    @Test func tokensCarryWordAndNickHashes() {
        let a = TextAnalysis("Bob[m]: try  the\tFILES app, @carol's too")
        #expect(a.tokens.count == 7)
        #expect(a.tokens[0].addressMark && !a.tokens[0].atMark)
        #expect(a.tokens[0].nick == TextAnalysis.nickHash("bob{m}"))
        #expect(a.tokens[0].rawNick == TextAnalysis.nickHash("Bob[m]:"))
        #expect(a.tokens[3].word == TextAnalysis.hash("files"))
        #expect(a.tokens[5].atMark && a.tokens[5].nick == TextAnalysis.nickHash("carol"))
        #expect(a.addressPrefix == "bob{m}")
        // "bob[m" keeps its inner bracket; "try", "the", "files" and "too" are stop words.
        #expect(a.contentWords == ["bob[m", "app", "carol's"].map { TextAnalysis.hash($0) }.sorted())
    }

    @Test func contentWordsAreSortedAndUnique() {
        let a = TextAnalysis("grub grub GRUB kernel the a kernel")
        #expect(a.contentWords == ["grub", "kernel"].map { TextAnalysis.hash($0) }.sorted())
        #expect(TextAnalysis("").tokens.isEmpty && TextAnalysis("   ").contentWords.isEmpty)
    }

    @Test("flags", arguments: [
        ("does it work? :)", true, true, false, false),
        ("!help me", false, false, true, false),
        ("bob++ thanks", false, false, false, true),
        ("++", false, false, false, false),
        ("why? no.", false, true, false, false),
        ("1234567+", false, false, false, false),
        ("1234567++", false, false, false, true),
        ("123456789012345? :D", true, true, false, false),
    ])
    func flags(_ text: String, endsWithQuestion: Bool, hasQuestion: Bool, bang: Bool, plusPlus: Bool) {
        let a = TextAnalysis(text)
        #expect(a.endsWithQuestionMark == endsWithQuestion)
        #expect(a.hasQuestionMark == hasQuestion)
        #expect(a.startsWithBang == bang)
        #expect(a.hasPlusPlus == plusPlus)
    }

    @Test func marksFoundEightBytesAtATimeAreThoseOfAByteByByteScan() {
        var state: UInt64 = 11
        let alphabet = Array("ab +?:).D\té!".utf8)
        for _ in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 59)
            let bytes = (0..<length).map { k in alphabet[Int((state >> (UInt64(k) * 3 % 56)) % UInt64(alphabet.count))] }
            var question = false, nonASCII = false, plusPlus = false, lastSignificant: UInt8 = 0
            for (k, b) in bytes.enumerated() {
                question = question || b == UInt8(ascii: "?")
                nonASCII = nonASCII || b >= 0x80
                plusPlus = plusPlus || (k > 0 && b == UInt8(ascii: "+") && bytes[k - 1] == UInt8(ascii: "+"))
                if !Array(" ):(/DP.".utf8).contains(b) { lastSignificant = b }
            }
            let a = bytes.withUnsafeBufferPointer { TextAnalysis(utf8: $0, casemapping: .rfc1459) }
            #expect(a.hasQuestionMark == question, "\(bytes)")
            #expect(a.hasNonASCII == nonASCII, "\(bytes)")
            #expect(a.hasPlusPlus == (plusPlus && length >= 3), "\(bytes)")
            #expect(a.endsWithQuestionMark == (lastSignificant == UInt8(ascii: "?")), "\(bytes)")
        }
    }

    @Test("only a first token marked as addressing gives a prefix", arguments: [
        ("hik: it is in /etc", "hik"), ("@Hik tell me", "hik"), ("hik it is", ""), ("so, hik: no", "so"), (": x", ""),
    ])
    func addressPrefix(_ text: String, prefix: String) {
        #expect(TextAnalysis(text).addressPrefix == prefix)
    }

    @Test("a token's word, nick and raw nick hashes are those of its stripped forms, made in one pass", arguments: [
        ("(Bob's)", "bob's", "Bob's"), ("bob's", "bob's", "bob"), ("@Carol:", "carol", "Carol"), ("...", nil, nil), ("??x??", "x", "x"),
        ("[m]_", "m", "[m]_"), ("'s", "s", "s"), ("<~Tom~>,", "tom", "~Tom~"), ("ÜBER!", "Über", "ÜBER"),
    ] as [(String, String?, String?)])
    func tokenHashes(_ token: String, word: String?, nick: String?) throws {
        let t = try #require(TextAnalysis("x \(token) y").tokens.dropFirst().first)
        #expect(t.word == (word.map { TextAnalysis.hash($0) } ?? 0))
        #expect(t.nick == (nick.map { TextAnalysis.nickHash($0) } ?? 0))
        #expect(t.rawNick == TextAnalysis.nickHash(token))
    }

    @Test("a token hashed in its pass over the text hashes as its bytes alone, at any offset and length")
    func tokenHashesAreThoseOfTheBytesAlone() {
        var state: UInt64 = 11
        let alphabet = Array("aZ[]\\~^_|{}09-é".utf8)
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let word = (0..<(1 + Int(state >> 60))).map { k in alphabet[Int((state >> (UInt64(k) * 3 % 56)) % UInt64(alphabet.count))] }
            let padding = String(repeating: " ", count: Int(state >> 33 & 15))
            let text = String(decoding: word, as: UTF8.self)
            let token = TextAnalysis(padding + text + " x").tokens[0]
            #expect(token.rawNick == TextAnalysis.nickHash(text), "\(text)")
            #expect(token.rawNick == TextAnalysis.nickHash(Casemapping.rfc1459.fold(text)), "\(text)")
            #expect(TextAnalysis.hash(text) == TextAnalysis.hash(text.lowercased()) || word.contains { $0 >= 0x80 }, "\(text)")
        }
    }

    @Test("hashes are equal exactly for equal folded bytes, across the eight-byte boundary", arguments: [
        ("abcdefgh", "ABCDEFGH", true), ("abcdefghi", "ABCDEFGHI", true), ("abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQ", true),
        ("abcdefgh", "abcdefghi", false), ("abcdefghi", "abcdefghj", false), ("abcdefgh", "abcdefg", false),
        ("abcdefghijklmnop", "abcdefghijklmnoq", false), ("a", "a\0", false), ("", "\0", false),
        ("abcdefgh_[m]", "ABCDEFGH_{M}", true), ("bob~", "BOB^", true),
    ])
    func nickHashEquality(_ a: String, _ b: String, equal: Bool) {
        #expect((TextAnalysis.nickHash(a) == TextAnalysis.nickHash(b)) == equal)
    }

    @Test("casemappings fold brackets and tildes their own way")
    func casemappingDifferences() {
        #expect(TextAnalysis.nickHash("Bob[m]", casemapping: .rfc1459) == TextAnalysis.nickHash("bob{m}", casemapping: .rfc1459))
        #expect(TextAnalysis.nickHash("Bob[m]", casemapping: .strictRFC1459) == TextAnalysis.nickHash("bob{m}", casemapping: .strictRFC1459))
        #expect(TextAnalysis.nickHash("Bob[m]", casemapping: .ascii) != TextAnalysis.nickHash("bob{m}", casemapping: .ascii))
        #expect(TextAnalysis.nickHash("Bob[m]", casemapping: .ascii) == TextAnalysis.nickHash("bob[m]", casemapping: .ascii))
        #expect(TextAnalysis.nickHash("Bob", casemapping: .none) != TextAnalysis.nickHash("bob", casemapping: .none))
        #expect(TextAnalysis.nickHash("a~", casemapping: .rfc1459) == TextAnalysis.nickHash("a^", casemapping: .rfc1459))
        #expect(TextAnalysis.nickHash("a~", casemapping: .strictRFC1459) != TextAnalysis.nickHash("a^", casemapping: .strictRFC1459))
        // A word is only lower-cased: brackets stay.
        #expect(TextAnalysis.hash("[M]") == TextAnalysis.hash("[m]") && TextAnalysis.hash("[m]") != TextAnalysis.hash("{m}"))
    }

    @Test("eight bytes fold as each byte folds", arguments: [Casemapping.ascii, .rfc1459, .strictRFC1459, .none])
    func chunkFoldMatchesByteFold(_ casemapping: Casemapping) {
        let fold = TextAnalysis.NickFold(casemapping)
        var state: UInt64 = 5
        for _ in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let bytes = (0..<8).map { k in UInt8(truncatingIfNeeded: state >> (8 * UInt64(k))) }
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let folded = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64(fold($1.element)) << (8 * UInt64($1.offset)) }
            let lowered = bytes.enumerated().reduce(UInt64(0)) { acc, b in
                acc | UInt64(b.element &- 0x41 < 26 ? b.element &+ 32 : b.element) << (8 * UInt64(b.offset))
            }
            #expect(fold(word) == folded)
            #expect(TextAnalysis.lowered(word) == lowered)
        }
    }

    @Test("bytes fold as Casemapping.fold folds", arguments: [Casemapping.ascii, .rfc1459, .strictRFC1459, .none])
    func nickFoldMatchesCasemapping(_ casemapping: Casemapping) {
        let fold = TextAnalysis.NickFold(casemapping)
        for b in UInt8(0)..<0x80 {
            let text = String(UnicodeScalar(b))
            #expect(String(UnicodeScalar(fold(b))) == casemapping.fold(text), "byte \(b)")
        }
        #expect(TextAnalysis.nickHash("Bob[m]~", casemapping: casemapping) == TextAnalysis.nickHash(casemapping.fold("Bob[m]~"), casemapping: casemapping))
    }
}
