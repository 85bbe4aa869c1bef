import Crypto
import Foundation
import Testing

@testable import RapportIRC

/// The SCRAM computation on its own, with the example exchanges of the RFCs.
struct SCRAMClientTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static let rfc7677ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

    /// RFC 7677 section 3, byte for byte.
    @Test("the RFC 7677 SCRAM-SHA-256 example exchange")
    func rfc7677Exchange() throws {
        var client = try SCRAMClient(hash: .sha256, username: "user", password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO")
        #expect(Self.text(try client.respond(to: [])) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        #expect(
            Self.text(try client.respond(to: Self.bytes(Self.rfc7677ServerFirst)))
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        #expect(!client.isVerified)
        #expect(try client.respond(to: Self.bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isEmpty)
        #expect(client.isVerified)
        #expect(throws: SCRAMClient.Failure.unexpectedMessage) { try client.respond(to: []) }
    }

    /// PBKDF2-HMAC-SHA256 test vector (RFC 7914 section 11).
    @Test func pbkdf2MatchesTheRFC7914Vector() {
        let key = SCRAMClient.pbkdf2(SHA256.self, password: Self.bytes("passwd"), salt: Self.bytes("salt"), iterations: 1)
        #expect(key.map { String(format: "%02x", $0) }.joined() == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    @Test func sha512ProducesA512BitProof() throws {
        var client = try SCRAMClient(hash: .sha512, username: "user", password: "pencil", nonce: "abc")
        _ = try client.respond(to: [])
        let final = Self.text(try client.respond(to: Self.bytes("r=abcdef,s=c2FsdA==,i=4096")))
        let proof = try #require(final.split(separator: ",").last?.dropFirst(2))
        #expect(Data(base64Encoded: String(proof))?.count == 64)
    }

    @Test func userNamesAreEscaped() throws {
        var client = try SCRAMClient(hash: .sha256, username: "a=b,c", password: "p", nonce: "n")
        #expect(Self.text(try client.respond(to: [])) == "n,,n=a=3Db=2Cc,r=n")
    }

    @Test("iteration counts out of range are refused", arguments: [0, 4095, 1_000_001])
    func iterationCountsAreBounded(_ count: Int) throws {
        var client = try SCRAMClient(hash: .sha256, username: "u", password: "p", nonce: "n")
        _ = try client.respond(to: [])
        #expect(throws: SCRAMClient.Failure.iterationCount(count)) {
            try client.respond(to: Self.bytes("r=nX,s=c2FsdA==,i=\(count)"))
        }
    }

    @Test("malformed server-first messages are refused", arguments: [
        "r=nX,s=c2FsdA==", "r=nX,s=!!!,i=4096", "r=nX,s=c2FsdA==,i=many", "m=ext,r=nX,s=c2FsdA==,i=4096", "garbage",
    ])
    func malformedServerFirst(_ message: String) throws {
        var client = try SCRAMClient(hash: .sha256, username: "u", password: "p", nonce: "n")
        _ = try client.respond(to: [])
        #expect(throws: SCRAMClient.Failure.self) { try client.respond(to: Self.bytes(message)) }
    }

    @Test func serverErrorsAreReported() throws {
        var client = try SCRAMClient(hash: .sha256, username: "user", password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO")
        _ = try client.respond(to: [])
        _ = try client.respond(to: Self.bytes(Self.rfc7677ServerFirst))
        #expect(throws: SCRAMClient.Failure.serverError("invalid-proof")) { try client.respond(to: Self.bytes("e=invalid-proof")) }
    }

    @Test("SASLprep maps, normalizes and refuses", arguments: [
        ("I\u{00AD}X", "IX"), ("user", "user"), ("USER", "USER"), ("\u{00AA}", "a"), ("\u{2168}", "IX"),
        ("a\u{00A0}b", "a b"), ("e\u{0301}", "\u{00E9}"),
    ])
    func saslPrepRFC4013Examples(_ input: String, _ output: String) throws {
        #expect(try SASLPrep.prepare(input) == output)
    }

    @Test("SASLprep refuses prohibited characters", arguments: ["\u{0007}", "a\u{E000}", "\u{200E}x", "\u{FFFF}", "\u{00AD}"])
    func saslPrepRefuses(_ input: String) {
        #expect(throws: SASLPrep.Failure.self) { try SASLPrep.prepare(input) }
    }
}
