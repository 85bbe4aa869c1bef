import Foundation

/// The bot's device keys as `/keys/upload` takes them, signed with its Ed25519 key.
public struct DeviceKeys: Sendable, Hashable, Codable {
    public var userID: String
    public var deviceID: String
    public var algorithms: [String]
    /// `curve25519:DEVICE` and `ed25519:DEVICE` → key.
    public var keys: [String: String]
    /// user ID → `ed25519:DEVICE` → signature.
    public var signatures: [String: [String: String]]?

    enum CodingKeys: String, CodingKey {
        case algorithms, keys, signatures
        case userID = "user_id"
        case deviceID = "device_id"
    }
}

/// A signed one-time or fallback key (`signed_curve25519:ID` in `/keys/upload`).
public struct SignedCurveKey: Sendable, Hashable, Codable {
    public var key: String
    /// Present (`true`) on the fallback key only.
    public var fallback: Bool?
    public var signatures: [String: [String: String]]?
}

/// What the bot uploads to `/keys/upload`: device keys the first time, then new one-time keys
/// and a new fallback key when needed.
public struct KeyUpload: Sendable, Hashable {
    public var deviceKeys: DeviceKeys?
    /// `signed_curve25519:ID` → key.
    public var oneTimeKeys: [String: SignedCurveKey]
    /// `signed_curve25519:ID` → key, with `fallback: true`.
    public var fallbackKeys: [String: SignedCurveKey]

    public init(deviceKeys: DeviceKeys? = nil, oneTimeKeys: [String: SignedCurveKey] = [:], fallbackKeys: [String: SignedCurveKey] = [:]) {
        self.deviceKeys = deviceKeys
        self.oneTimeKeys = oneTimeKeys
        self.fallbackKeys = fallbackKeys
    }

    public var isEmpty: Bool { deviceKeys == nil && oneTimeKeys.isEmpty && fallbackKeys.isEmpty }
}

/// Matrix's canonical JSON for signing: keys sorted, no spaces, UTF-8, slashes as they are.
enum CanonicalJSON {
    static func encode(_ value: some Encodable) throws(MatrixCryptoError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw MatrixCryptoError(.invalidMessage, "cannot encode JSON to sign: \(error)")
        }
    }
}
