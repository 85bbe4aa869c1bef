import Crypto
import Foundation

/// The client side of SCRAM (RFC 5802) with SHA-256 (RFC 7677) or SHA-512, without channel
/// binding: a pure state machine, one value per login.
///
/// ```
/// respond(to: "")                          → n,,n=user,r=<client nonce>          (client-first)
/// respond(to: "r=<nonce>,s=<salt>,i=4096") → c=biws,r=<nonce>,p=<proof>          (client-final)
/// respond(to: "v=<server signature>")      → ""   (only if the signature proves the server
///                                                 knows the password; else it throws)
/// ```
///
/// The server must extend our nonce, give a salt and an iteration count in 4096...1,000,000,
/// and prove with its signature that it holds the password's keys; anything else fails the login
/// with a ``Failure`` that says why. User name and password go through ``SASLPrep``.
struct SCRAMClient: Sendable {
    /// The hash function of the mechanism.
    enum Hash: Sendable, Equatable {
        case sha256, sha512
    }

    /// Why the exchange failed, as a sentence for the log (never containing the password).
    enum Failure: Error, Equatable, CustomStringConvertible {
        case credentials(String)
        case malformed(String)
        case nonceNotExtended
        case iterationCount(Int)
        case serverError(String)
        case missingServerSignature
        case wrongServerSignature
        case unexpectedMessage

        var description: String {
            switch self {
            case .credentials(let detail): "the SASL credentials cannot be used: \(detail)"
            case .malformed(let what): "the server sent a malformed SCRAM message (\(what))"
            case .nonceNotExtended: "the server's nonce does not extend ours (a replayed or forged exchange)"
            case .iterationCount(let count):
                "the server asked for \(count) PBKDF2 iterations (accepted: \(SCRAMClient.iterationRange.lowerBound)"
                    + "...\(SCRAMClient.iterationRange.upperBound))"
            case .serverError(let error): "the server reported the SCRAM error \"\(error)\""
            case .missingServerSignature: "the server did not prove that it knows the password (no server signature)"
            case .wrongServerSignature: "the server's signature is wrong: it does not know the password (impostor?)"
            case .unexpectedMessage: "the server sent a SCRAM message after the exchange was over"
            }
        }
    }

    /// Iteration counts we accept: RFC 7677's minimum, and a ceiling that keeps a hostile server
    /// from making us hash for minutes.
    static let iterationRange = 4096...1_000_000

    private enum Step: Sendable {
        case start
        case sentClientFirst(bare: String)
        case sentClientFinal(serverSignature: [UInt8])
        case verified
    }

    let hash: Hash
    private let username: String
    private let password: String
    private let clientNonce: String
    private var step = Step.start

    /// Whether the server proved it knows the password.
    var isVerified: Bool {
        if case .verified = step { return true }
        return false
    }

    /// - Parameter nonce: Tests only: a fixed client nonce; by default 24 bytes from the system RNG.
    /// - Throws: ``Failure/credentials(_:)`` when SASLprep refuses the user name or password.
    init(hash: Hash, username: String, password: String, nonce: String? = nil) throws(Failure) {
        self.hash = hash
        do {
            self.username = try SASLPrep.prepare(username)
        } catch {
            throw .credentials("the user name \(error)")
        }
        do {
            self.password = try SASLPrep.prepare(password)
        } catch {
            throw .credentials("the password \(error)")
        }
        var generator = SystemRandomNumberGenerator()
        self.clientNonce = nonce ?? Data((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }

    /// The next client message for the server's `challenge` (empty at the start).
    ///
    /// - Throws: ``Failure`` when the server's message is malformed, hostile or an error.
    mutating func respond(to challenge: [UInt8]) throws(Failure) -> [UInt8] {
        switch step {
        case .start:
            let bare = "n=\(Self.escape(username)),r=\(clientNonce)"
            step = .sentClientFirst(bare: bare)
            return Array("n,,\(bare)".utf8)
        case .sentClientFirst(let bare):
            let serverFirst = String(decoding: challenge, as: UTF8.self)
            let (final, signature) = try clientFinal(clientFirstBare: bare, serverFirst: serverFirst)
            step = .sentClientFinal(serverSignature: signature)
            return Array(final.utf8)
        case .sentClientFinal(let expected):
            let fields = try Self.fields(String(decoding: challenge, as: UTF8.self))
            if let error = fields["e"] { throw .serverError(error) }
            guard let value = fields["v"] else { throw .missingServerSignature }
            guard let signature = Data(base64Encoded: value), Self.constantTimeEqual(Array(signature), expected) else {
                throw .wrongServerSignature
            }
            step = .verified
            return []
        case .verified:
            throw .unexpectedMessage
        }
    }

    private func clientFinal(clientFirstBare: String, serverFirst: String) throws(Failure) -> (String, [UInt8]) {
        let fields = try Self.fields(serverFirst)
        if let error = fields["e"] { throw .serverError(error) }
        if fields["m"] != nil { throw .malformed("a mandatory extension we do not know") }
        guard let nonce = fields["r"], let saltText = fields["s"], let countText = fields["i"] else {
            throw .malformed("r, s and i are required")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else { throw .nonceNotExtended }
        guard let salt = Data(base64Encoded: saltText), !salt.isEmpty else { throw .malformed("the salt is not base64") }
        guard let count = Int(countText) else { throw .malformed("the iteration count is not a number") }
        guard Self.iterationRange.contains(count) else { throw .iterationCount(count) }

        let salted = pbkdf2(password: Array(password.utf8), salt: Array(salt), iterations: count)
        let clientKey = hmac(key: salted, Array("Client Key".utf8))
        let storedKey = digest(clientKey)
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = hmac(key: storedKey, authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverSignature = hmac(key: hmac(key: salted, Array("Server Key".utf8)), authMessage)
        return ("\(withoutProof),p=\(Data(proof).base64EncodedString())", serverSignature)
    }

    // MARK: - Parsing

    /// `a=value,b=value` → the first value of each attribute.
    private static func fields(_ message: String) throws(Failure) -> [String: String] {
        var fields: [String: String] = [:]
        for part in message.split(separator: ",", omittingEmptySubsequences: false) {
            guard part.count >= 2, part.dropFirst().first == "=", let name = part.first else {
                throw .malformed("an attribute is not of the form a=value")
            }
            if fields[String(name)] == nil { fields[String(name)] = String(part.dropFirst(2)) }
        }
        return fields
    }

    /// RFC 5802 `saslname`: `=` and `,` escaped.
    private static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    // MARK: - Hashing

    private func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        switch hash {
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: key)))
        }
    }

    private func digest(_ data: [UInt8]) -> [UInt8] {
        switch hash {
        case .sha256: Array(SHA256.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }

    private func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        switch hash {
        case .sha256: Self.pbkdf2(SHA256.self, password: password, salt: salt, iterations: iterations)
        case .sha512: Self.pbkdf2(SHA512.self, password: password, salt: salt, iterations: iterations)
        }
    }

    /// PBKDF2 (RFC 8018) with HMAC-`H`, one block of the hash's size: `Hi()` of RFC 5802.
    static func pbkdf2<H: HashFunction>(_: H.Type, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let keyed = HMAC<H>(key: SymmetricKey(data: password))  // the key schedule once, copied per round
        var round = keyed
        round.update(data: salt + [0, 0, 0, 1])
        var block = Array(round.finalize())
        var result = block
        for _ in 1..<iterations {
            round = keyed
            round.update(data: block)
            block = Array(round.finalize())
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }
}
