import NIOHTTP1
public import RapportMatrixCrypto

extension MatrixClient {
    /// `POST /keys/upload`: device keys, one-time keys and a fallback key (each part only when
    /// given); returns how many signed one-time keys the server now holds for the device.
    public func uploadKeys(_ upload: KeyUpload) async throws -> Int {
        let body = API.KeysUpload(
            deviceKeys: upload.deviceKeys, oneTimeKeys: upload.oneTimeKeys.isEmpty ? nil : upload.oneTimeKeys,
            fallbackKeys: upload.fallbackKeys.isEmpty ? nil : upload.fallbackKeys)
        let response: API.KeysUploadResponse = try await call(.POST, "keys/upload", body: body)
        return response.oneTimeKeyCounts["signed_curve25519"] ?? 0
    }
}

extension API {
    struct KeysUpload: Encodable {
        var deviceKeys: DeviceKeys?
        var oneTimeKeys: [String: SignedCurveKey]?
        var fallbackKeys: [String: SignedCurveKey]?

        enum CodingKeys: String, CodingKey {
            case deviceKeys = "device_keys"
            case oneTimeKeys = "one_time_keys"
            case fallbackKeys = "fallback_keys"
        }
    }

    struct KeysUploadResponse: Decodable {
        var oneTimeKeyCounts: [String: Int]

        enum CodingKeys: String, CodingKey { case oneTimeKeyCounts = "one_time_key_counts" }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            oneTimeKeyCounts = try c.decodeIfPresent([String: Int].self, forKey: .oneTimeKeyCounts) ?? [:]
        }
    }
}
