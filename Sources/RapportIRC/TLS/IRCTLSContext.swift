import RapportCore
import NIOCore
import NIOSSL

/// Builds the TLS pieces of a connection from an ``IRCConfiguration``.
struct IRCTLSContext: Sendable {
    let context: NIOSSLContext
    let serverHostname: String?
    let pin: String?

    /// - Throws: ``IRCConnectorError`` (`invalidConfiguration`) when a file cannot be read.
    init(configuration: IRCConfiguration) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = configuration.tlsVerify ? .fullVerification : .none
        if let ca = configuration.tlsCAFile { tls.trustRoots = .file(ca) }
        if let path = configuration.clientCert {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(path)
                guard !chain.isEmpty else {
                    throw IRCConnectorError(.invalidConfiguration, "irc.client_cert \(path) holds no certificate.")
                }
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: path, format: .pem))
            } catch let error as IRCConnectorError {
                throw error
            } catch {
                throw IRCConnectorError(
                    .invalidConfiguration,
                    "irc.client_cert \(path) could not be read as PEM certificate + key (\(error)).")
            }
        }
        let pin = configuration.tlsPinSHA256.map { $0.lowercased().filter { $0.isHexDigit } }
        // The pin replaces chain and host name checks (the callback below does the checking).
        if pin != nil { tls.certificateVerification = .noHostnameVerification }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw IRCConnectorError(.invalidConfiguration, "TLS setup failed: \(error).")
        }
        self.pin = pin
        // SNI must be a host name, never an IP literal.
        let host = configuration.host
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        serverHostname = isAddress ? nil : host
    }

    /// The handler for a new channel.
    func makeHandler() throws -> NIOSSLClientHandler {
        guard let pin else { return try NIOSSLClientHandler(context: context, serverHostname: serverHostname) }
        return try NIOSSLClientHandler(context: context, serverHostname: serverHostname) { certificates, promise in
            // Pinning replaces chain validation: exactly the pinned leaf is accepted.
            guard let leaf = certificates.first, let der = try? leaf.toDERBytes() else {
                promise.succeed(.failed)
                return
            }
            promise.succeed(SHA256Digest.hex(der) == pin ? .certificateVerified : .failed)
        }
    }
}
