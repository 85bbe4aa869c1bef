import Crypto
import Foundation

/// ECDSA-NIST256P-CHALLENGE (Atheme's mechanism, also used by ecdsatool and Limnoria): the
/// client names its account, the server sends a 32-byte random challenge, the client signs it
/// with its P-256 key (the challenge is the digest: it is not hashed again) and answers with the
/// DER signature. The server checks it against the key registered with `NickServ SET PUBKEY`.
struct ECDSAChallengeSigner: Sendable {
    /// Why the key cannot be loaded or the challenge signed, as a sentence for the log.
    struct Failure: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    let key: P256.Signing.PrivateKey

    /// The key in a PEM file: SEC 1 (`EC PRIVATE KEY`, what `openssl ecparam -genkey` writes,
    /// with or without its `EC PARAMETERS` block) or PKCS #8 (`PRIVATE KEY`).
    ///
    /// - Throws: ``Failure`` when the file cannot be read or holds no P-256 private key.
    init(pemFile path: String) throws(Failure) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure(description: "irc.sasl.key_file \(path) cannot be read (\(error.localizedDescription)).")
        }
        guard let block = Self.privateKeyBlock(in: text) else {
            throw Failure(description: "irc.sasl.key_file \(path) holds no PEM private key block.")
        }
        do { key = try P256.Signing.PrivateKey(pemRepresentation: block) } catch {
            throw Failure(description: "irc.sasl.key_file \(path) is not a P-256 (prime256v1) private key (\(error)).")
        }
    }

    init(key: P256.Signing.PrivateKey) { self.key = key }

    /// The base64 public key to give NickServ (`SET PUBKEY`): the compressed point.
    var publicKeyForNickServ: String { key.publicKey.compressedRepresentation.base64EncodedString() }

    /// The DER signature of `challenge`.
    ///
    /// - Throws: ``Failure`` when the challenge is not 32 bytes.
    func sign(_ challenge: [UInt8]) throws(Failure) -> [UInt8] {
        guard challenge.count == Challenge.byteCount else {
            throw Failure(description: "the server's ECDSA challenge is \(challenge.count) bytes, not \(Challenge.byteCount)")
        }
        do {
            return Array(try key.signature(for: Challenge(bytes: challenge)).derRepresentation)
        } catch {
            throw Failure(description: "signing the ECDSA challenge failed (\(error))")
        }
    }

    /// The `-----BEGIN … PRIVATE KEY-----` block of `pem`, if any.
    private static func privateKeyBlock(in pem: String) -> String? {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN") && $0.hasSuffix("PRIVATE KEY-----") }),
            let end = lines[begin...].firstIndex(where: { $0.hasPrefix("-----END") && $0.hasSuffix("PRIVATE KEY-----") })
        else { return nil }
        return lines[begin...end].joined(separator: "\n")
    }

    /// The server's challenge, signed as it is: the mechanism treats it as a SHA-256 digest.
    private struct Challenge: Digest {
        static let byteCount = 32
        let bytes: [UInt8]

        func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try bytes.withUnsafeBytes(body)
        }

        func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }

        var description: String { "challenge" }
    }
}
