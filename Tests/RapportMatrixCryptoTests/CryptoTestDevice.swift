import Logging
import RapportCore
import RapportMatrixCrypto
import RapportStoreSQLite
import RapportTesting

/// A device for the tests: an ``OlmMachine`` on an SQLite store of its own (in memory), which
/// a test can open again as a restart would.
struct CryptoTestDevice {
    static let pickleKey = "a test pickle key of enough length"

    let store: any Store
    let userID: String
    let deviceID: String
    let time: ManualTime
    var machine: OlmMachine

    init(_ userID: String, deviceID: String = "DEVICE", time: ManualTime = ManualTime()) async throws {
        let store = try SQLiteStore()
        self.store = store
        self.userID = userID
        self.deviceID = deviceID
        self.time = time
        machine = try await Self.open(store: store, userID: userID, deviceID: deviceID, key: Self.pickleKey, time: time)
    }

    static func open(store: any Store, userID: String, deviceID: String, key: String, time: ManualTime) async throws -> OlmMachine {
        try await OlmMachine.open(
            store: MatrixCryptoStore(store: store, network: "test"), userID: userID, deviceID: deviceID, pickleKey: try PickleKey(key),
            time: time, logger: Logger(label: "test"))
    }

    /// The machine as a restarted bot gets it back from the store.
    mutating func restart(key: String = pickleKey) async throws {
        machine = try await Self.open(store: store, userID: userID, deviceID: deviceID, key: key, time: time)
    }

    /// One of the one-time keys this device published.
    func publishedOneTimeKey() async throws -> SignedCurveKey {
        let upload = try await machine.keysToUpload(oneTimeKeysOnServer: 0, fallbackKeyUnused: false, includeDeviceKeys: true)
        try await machine.markKeysUploaded()
        guard let key = upload.oneTimeKeys.values.first else { throw CancellationError() }
        return key
    }

    /// Starts an Olm session from `self` to `other` with one of `other`'s one-time keys.
    func startSession(to other: CryptoTestDevice) async throws {
        try await machine.startOlmSession(
            with: other.machine.identityKeys.curve25519, oneTimeKey: try await other.publishedOneTimeKey(), userID: other.userID,
            signingKey: other.machine.identityKeys.ed25519)
    }
}
