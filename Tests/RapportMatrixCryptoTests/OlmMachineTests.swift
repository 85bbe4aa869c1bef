import Foundation
import RapportMatrixCrypto
import Testing

struct OlmMachineTests {
    @Test("two accounts exchange Olm messages: a pre-key message first, then normal ones both ways")
    func olmRoundTrip() async throws {
        let alice = try await CryptoTestDevice("@alice:test")
        let bob = try await CryptoTestDevice("@bob:test")
        try await alice.startSession(to: bob)
        let first = try await alice.machine.encrypt(olm: "hello bob", to: bob.machine.identityKeys.curve25519)
        #expect(first.isPreKey)
        #expect(try await bob.machine.decrypt(olm: first, from: alice.machine.identityKeys.curve25519) == "hello bob")
        let answer = try await bob.machine.encrypt(olm: "hi alice", to: alice.machine.identityKeys.curve25519)
        #expect(!answer.isPreKey)
        #expect(try await alice.machine.decrypt(olm: answer, from: bob.machine.identityKeys.curve25519) == "hi alice")
        let second = try await alice.machine.encrypt(olm: "got it", to: bob.machine.identityKeys.curve25519)
        #expect(!second.isPreKey)
        #expect(try await bob.machine.decrypt(olm: second, from: alice.machine.identityKeys.curve25519) == "got it")
    }

    @Test("a session started with the fallback key carries messages once the one-time keys are gone")
    func fallbackKey() async throws {
        let alice = try await CryptoTestDevice("@alice:test")
        let bob = try await CryptoTestDevice("@bob:test")
        let upload = try await bob.machine.keysToUpload(oneTimeKeysOnServer: 0, fallbackKeyUnused: false, includeDeviceKeys: false)
        try await bob.machine.markKeysUploaded()
        let fallback = try #require(upload.fallbackKeys.values.first)
        #expect(fallback.fallback == true)
        try await alice.machine.startOlmSession(
            with: bob.machine.identityKeys.curve25519, oneTimeKey: fallback, userID: bob.userID, signingKey: bob.machine.identityKeys.ed25519)
        let message = try await alice.machine.encrypt(olm: "via fallback", to: bob.machine.identityKeys.curve25519)
        #expect(try await bob.machine.decrypt(olm: message, from: alice.machine.identityKeys.curve25519) == "via fallback")
    }

    @Test("keys to upload fill the server to half the account's maximum, signed, with a fallback key, once")
    func keyUpload() async throws {
        let bob = try await CryptoTestDevice("@bob:test")
        let upload = try await bob.machine.keysToUpload(oneTimeKeysOnServer: 0, fallbackKeyUnused: false, includeDeviceKeys: true)
        #expect(upload.oneTimeKeys.count == 50)  // libolm keeps 100
        #expect(upload.fallbackKeys.count == 1)
        let device = try #require(upload.deviceKeys)
        #expect(device.keys["ed25519:DEVICE"] == bob.machine.identityKeys.ed25519)
        #expect(device.signatures?["@bob:test"]?["ed25519:DEVICE"] != nil)
        #expect(upload.oneTimeKeys.values.allSatisfy { $0.signatures?["@bob:test"]?["ed25519:DEVICE"] != nil })
        try await bob.machine.markKeysUploaded()
        let topUp = try await bob.machine.keysToUpload(oneTimeKeysOnServer: 45, fallbackKeyUnused: true, includeDeviceKeys: false)
        #expect(topUp.oneTimeKeys.count == 5)
        #expect(topUp.fallbackKeys.isEmpty)
        #expect(Set(topUp.oneTimeKeys.keys).isDisjoint(with: upload.oneTimeKeys.keys))
    }

    @Test("Megolm: a room key shared with another device decrypts the room's messages in order")
    func megolmRoundTrip() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let outbound = try await bot.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        #expect(outbound.isNew)
        try await human.machine.addRoomKey(outbound.key, sender: bot.userID, senderKey: bot.machine.identityKeys.curve25519, signingKey: bot.machine.identityKeys.ed25519)
        for (index, text) in ["one", "two", "three"].enumerated() {
            let sealed = try await bot.machine.encrypt(megolm: text, room: "!room:test")
            #expect(sealed.sessionID == outbound.key.sessionID)
            let opened = try await human.machine.decrypt(
                megolm: sealed.ciphertext, room: "!room:test", sessionID: sealed.sessionID, senderKey: bot.machine.identityKeys.curve25519,
                eventID: "$\(index)", originTS: 1000 + Int64(index))
            #expect(opened.json == text)
            #expect(opened.messageIndex == UInt32(index))
            #expect(opened.signingKey == bot.machine.identityKeys.ed25519)
        }
    }

    @Test("the bot decrypts its own room messages (the server's echo)")
    func ownEcho() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let key = try await bot.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        let sealed = try await bot.machine.encrypt(megolm: "mine", room: "!room:test")
        let opened = try await bot.machine.decrypt(
            megolm: sealed.ciphertext, room: "!room:test", sessionID: key.key.sessionID, senderKey: bot.machine.identityKeys.curve25519,
            eventID: "$mine", originTS: 1)
        #expect(opened.json == "mine")
    }

    @Test("the same event decrypted twice (a replayed /sync batch) is not a replay")
    func sameEventTwice() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let key = try await bot.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        let sealed = try await bot.machine.encrypt(megolm: "again", room: "!room:test")
        for _ in 0..<2 {
            let opened = try await bot.machine.decrypt(
                megolm: sealed.ciphertext, room: "!room:test", sessionID: key.key.sessionID, senderKey: bot.machine.identityKeys.curve25519,
                eventID: "$same", originTS: 5)
            #expect(opened.json == "again")
        }
    }

    @Test("after a restart the account, Olm sessions, room keys and the outbound session are all still there")
    func restart() async throws {
        var alice = try await CryptoTestDevice("@alice:test")
        var bob = try await CryptoTestDevice("@bob:test")
        let aliceKeys = alice.machine.identityKeys
        try await alice.startSession(to: bob)
        let first = try await alice.machine.encrypt(olm: "before", to: bob.machine.identityKeys.curve25519)
        _ = try await bob.machine.decrypt(olm: first, from: aliceKeys.curve25519)
        let room = try await alice.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        try await bob.machine.addRoomKey(room.key, sender: alice.userID, senderKey: aliceKeys.curve25519, signingKey: aliceKeys.ed25519)
        _ = try await alice.machine.encrypt(megolm: "m0", room: "!room:test")

        try await alice.restart()
        try await bob.restart()
        #expect(alice.machine.identityKeys == aliceKeys)
        let again = try await alice.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        #expect(!again.isNew)
        #expect(again.key.sessionID == room.key.sessionID)
        let sealed = try await alice.machine.encrypt(megolm: "m1", room: "!room:test")
        let opened = try await bob.machine.decrypt(
            megolm: sealed.ciphertext, room: "!room:test", sessionID: sealed.sessionID, senderKey: aliceKeys.curve25519, eventID: "$m1", originTS: 2)
        #expect(opened.json == "m1")
        #expect(opened.messageIndex == 1)
        let after = try await bob.machine.encrypt(olm: "after", to: aliceKeys.curve25519)
        #expect(try await alice.machine.decrypt(olm: after, from: bob.machine.identityKeys.curve25519) == "after")
    }

    @Test("a stored account for another device gives way to a new identity")
    func otherDevice() async throws {
        let first = try await CryptoTestDevice("@bot:test", deviceID: "OLD")
        let reopened = try await CryptoTestDevice.open(
            store: first.store, userID: "@bot:test", deviceID: "NEW", key: CryptoTestDevice.pickleKey, time: first.time)
        #expect(reopened.identityKeys != first.machine.identityKeys)
        #expect(reopened.deviceID == "NEW")
    }

    @Test("a pickle key shorter than 16 characters is refused")
    func shortPickleKey() {
        #expect(throws: MatrixCryptoError.self) { _ = try PickleKey("too short") }
    }
}
