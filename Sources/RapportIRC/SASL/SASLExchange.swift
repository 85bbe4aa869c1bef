import Foundation

/// One SASL login carried by `AUTHENTICATE` lines (IRCv3 SASL 3.1): puts the server's payloads
/// back together from their 400-byte chunks, lets the mechanism answer each, and cuts the answers
/// into chunks again.
///
/// ```
/// C: AUTHENTICATE SCRAM-SHA-256
/// S: AUTHENTICATE +                       (empty challenge)
/// C: AUTHENTICATE biwsbj1yYXBwb3J0LHI9…   (client-first, base64, ≤ 400 bytes a line)
/// S: AUTHENTICATE cj1…                    (server-first; a 400-byte line means more follows)
/// C: AUTHENTICATE Yz1iaXdzLHI9…           (client-final)
/// S: AUTHENTICATE dj1…                    (server-final: the signature is checked here)
/// C: AUTHENTICATE +
/// S: 903
/// ```
struct SASLExchange: Sendable {
    /// The mechanism and what it keeps between steps.
    enum Mechanism: Sendable {
        case plain(username: String, password: String)
        case external
        case scram(SCRAMClient)
        case ecdsa(username: String, signer: ECDSAChallengeSigner, sentName: Bool)
    }

    /// What to do with a server line.
    enum Outcome: Sendable, Equatable {
        /// Send these lines.
        case reply([IRCMessage])
        /// A chunk of a longer payload: wait for the rest.
        case wait
        /// The login cannot succeed: send `AUTHENTICATE *` and fail it for this reason.
        case abort(String)
    }

    /// The longest payload we put back together (base64 characters); SCRAM and ECDSA need far less.
    static let maximumPayload = 8192

    private(set) var mechanism: Mechanism
    private var pending = ""

    init(_ mechanism: Mechanism) { self.mechanism = mechanism }

    /// Whether the server proved its identity, where the mechanism can tell (SCRAM);
    /// `nil` for mechanisms without a server proof.
    var serverVerified: Bool? {
        if case .scram(let client) = mechanism { return client.isVerified }
        return nil
    }

    /// Handles the parameter of one `AUTHENTICATE` line from the server.
    mutating func receive(_ parameter: String) -> Outcome {
        if parameter != "+" { pending += parameter }
        guard pending.utf8.count <= Self.maximumPayload else { return .abort("the server's SASL payload is too long") }
        if parameter.utf8.count == 400 { return .wait }
        let text = pending
        pending = ""
        guard let challenge = Data(base64Encoded: text) else { return .abort("the server's SASL payload is not base64") }
        switch answer(Array(challenge)) {
        case .success(let payload): return .reply(Self.lines(for: payload))
        case .failure(let reason): return .abort(reason.description)
        }
    }

    private struct Reason: Error, CustomStringConvertible { var description: String }

    private mutating func answer(_ challenge: [UInt8]) -> Result<[UInt8], Reason> {
        switch mechanism {
        case .plain(let username, let password):
            return .success(Array("\(username)\0\(username)\0\(password)".utf8))
        case .external:
            return .success([])
        case .scram(var client):
            defer { mechanism = .scram(client) }
            do { return .success(try client.respond(to: challenge)) } catch { return .failure(Reason(description: error.description)) }
        case .ecdsa(let username, let signer, let sentName):
            guard sentName else {
                mechanism = .ecdsa(username: username, signer: signer, sentName: true)
                return .success(Array(username.utf8))
            }
            do { return .success(try signer.sign(challenge)) } catch { return .failure(Reason(description: error.description)) }
        }
    }

    /// `payload` as `AUTHENTICATE` lines: base64 in 400-byte chunks; an empty payload, or one
    /// whose last chunk is exactly 400 bytes, ends with `AUTHENTICATE +`.
    static func lines(for payload: [UInt8]) -> [IRCMessage] {
        var lines: [IRCMessage] = []
        var rest = Substring(Data(payload).base64EncodedString())
        while !rest.isEmpty {
            let chunk = rest.prefix(400)
            rest = rest.dropFirst(chunk.count)
            lines.append(IRCMessage("AUTHENTICATE", String(chunk)))
        }
        if lines.isEmpty || lines.last?.parameters.first?.utf8.count == 400 { lines.append(IRCMessage("AUTHENTICATE", "+")) }
        return lines
    }
}
