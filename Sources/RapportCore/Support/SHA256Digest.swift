import Crypto

/// SHA-256 as lowercase hex, through swift-crypto: the IRC connector compares a server
/// certificate with `tls_pin_sha256`, plugins store single-use codes and sessions hashed, and
/// the dashboard signs its sign-in form with an HMAC.
public enum SHA256Digest {
    /// The digest of `bytes` as lowercase hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        hexString(SHA256.hash(data: Array(bytes)))
    }

    /// The digest of `text`'s UTF-8 bytes as lowercase hex.
    public static func hex(_ text: String) -> String { hex(text.utf8) }

    /// HMAC-SHA256 of `message` under `key` (both as UTF-8) as lowercase hex.
    public static func hmacHex(key: String, _ message: String) -> String {
        hexString(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8))))
    }

    private static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
