import Foundation
import RapportCore
import RapportMatrixCrypto
import RapportServerTesting
import RapportStoreSQLite
import Synchronization
import Testing
@testable import RapportMatrix

/// End-to-end encryption against a real Synapse (deploy/servers/synapse.sh); `human.py` reads
/// what the server holds for the bot's device.
@Suite(.timeLimit(.minutes(5)), .serialized)
struct MatrixEncryptionIntegrationTests {
    static let pickleKey = "the integration test's pickle key"

    @Test("the bot's signed device keys and signed one-time keys reach Synapse; a restart keeps the device and its keys, and uploads again without a refusal")
    func keysOnSynapse() async throws {
        try await withHomeserver { server in
            let alice = try await server.register("alice", password: "alice-password")
            let bot = server.userID("rapport")
            var configuration = matrixConfiguration(server)
            configuration.encryption = .init(enabled: true, pickleKey: Self.pickleKey)
            let store = try SQLiteStore()
            let first = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("e2ee")))
            let published = Mutex<MatrixJSON?>(nil)
            try await eventually("the bot's device keys on the server", timeout: 60) {
                let devices = try await alice.run("keys_query", bot)
                published.withLock { $0 = devices }
                return devices.object?.isEmpty == false
            }
            let devices = try #require(published.withLock { $0 }?.object)
            #expect(devices.count == 1)
            let (deviceID, keys) = try #require(devices.first)
            let identity = try #require(await first.connector.crypto?.identityKeys)
            #expect(keys["keys"]?["curve25519:\(deviceID)"]?.string == identity.curve25519)
            #expect(keys["keys"]?["ed25519:\(deviceID)"]?.string == identity.ed25519)
            #expect(keys["signatures"]?[bot]?["ed25519:\(deviceID)"]?.string != nil)
            let claimed = try await alice.run("keys_claim", bot, deviceID)
            let oneTimeKey = try #require(claimed[bot]?[deviceID]?.object?.first)
            #expect(oneTimeKey.key.hasPrefix("signed_curve25519:"))
            #expect(oneTimeKey.value["signatures"]?[bot]?["ed25519:\(deviceID)"]?.string != nil)
            try await first.stop()

            // The same store: the same device and identity, and the upload at start succeeds
            // (a new account would make key IDs the server already holds with other keys).
            let second = RunningConnector.start(MatrixConnector(network: "local", configuration: configuration, store: store, logger: testLogger("e2ee")))
            defer { second.task.cancel() }
            try await eventually("the restarted connector's crypto", timeout: 60) { await second.connector.crypto != nil }
            #expect(await second.connector.crypto?.identityKeys == identity)
            try await eventually("the restarted connector syncing", timeout: 60) { await second.connector.status() == .connected }
            let after = try await alice.run("keys_query", bot)
            #expect(after.object?.keys.sorted() == [deviceID])
            #expect(after[deviceID]?["keys"]?["curve25519:\(deviceID)"]?.string == identity.curve25519)
        }
    }
}
