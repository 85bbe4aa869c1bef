import Crypto

/// SHA-256 as lowercase hex, through swift-crypto: the IRC connector compares a server
/// certificate with `tls_pin_sha256`, and plugins store single-use codes and sessions hashed.
public enum SHA256Digest {
    /// The digest of `bytes` as lowercase hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// The digest of `text`'s UTF-8 bytes as lowercase hex.
    public static func hex(_ text: String) -> String { hex(text.utf8) }
}
