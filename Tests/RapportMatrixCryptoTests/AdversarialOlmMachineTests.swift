import Foundation
import RapportMatrixCrypto
import Testing

/// Attacks on the crypto state: replayed room messages, forged keys, reused one-time keys,
/// room keys passed off for another room or sender, a wrong pickle key.
struct AdversarialOlmMachineTests {
    @Test("a replayed Megolm message (same index, another event ID) is refused")
    func replay() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let key = try await human.machine.outboundRoomKey(room: "!room:test", rotation: .default)
        try await bot.machine.addRoomKey(key.key, sender: human.userID, senderKey: human.machine.identityKeys.curve25519, signingKey: human.machine.identityKeys.ed25519)
        let sealed = try await human.machine.encrypt(megolm: "!nudges off", room: "!room:test")
        let sender = human.machine.identityKeys.curve25519
        _ = try await bot.machine.decrypt(
            megolm: sealed.ciphertext, room: "!room:test", sessionID: sealed.sessionID, senderKey: sender, eventID: "$real", originTS: 10)
        let error = await #expect(throws: MatrixCryptoError.self) {
            try await bot.machine.decrypt(
                megolm: sealed.ciphertext, room: "!room:test", sessionID: sealed.sessionID, senderKey: sender, eventID: "$replayed", originTS: 99)
        }
        #expect(error?.code == .replayedMessage)
    }

    @Test("a room key is only good for its own room and sender key")
    func keyBoundToRoomAndSender() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let key = try await human.machine.outboundRoomKey(room: "!a:test", rotation: .default)
        try await bot.machine.addRoomKey(key.key, sender: human.userID, senderKey: human.machine.identityKeys.curve25519, signingKey: human.machine.identityKeys.ed25519)
        let sealed = try await human.machine.encrypt(megolm: "secret", room: "!a:test")
        let otherRoom = await #expect(throws: MatrixCryptoError.self) {
            try await bot.machine.decrypt(
                megolm: sealed.ciphertext, room: "!b:test", sessionID: sealed.sessionID, senderKey: human.machine.identityKeys.curve25519,
                eventID: "$x", originTS: 1)
        }
        #expect(otherRoom?.code == .unknownSession)
        let otherSender = await #expect(throws: MatrixCryptoError.self) {
            try await bot.machine.decrypt(
                megolm: sealed.ciphertext, room: "!a:test", sessionID: sealed.sessionID, senderKey: bot.machine.identityKeys.curve25519,
                eventID: "$y", originTS: 1)
        }
        #expect(otherSender?.code == .unknownSession)
    }

    @Test("a room key whose session ID does not match its key is refused")
    func mismatchedSessionID() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let real = try await human.machine.outboundRoomKey(room: "!a:test", rotation: .default)
        let forged = RoomKey(roomID: "!a:test", sessionID: "someone-elses-session", sessionKey: real.key.sessionKey)
        let error = await #expect(throws: MatrixCryptoError.self) {
            try await bot.machine.addRoomKey(forged, sender: human.userID, senderKey: human.machine.identityKeys.curve25519, signingKey: human.machine.identityKeys.ed25519)
        }
        #expect(error?.code == .invalidMessage)
    }

    @Test("a second share of a session cannot change whose it is (user or signing key), nor drop earlier messages")
    func reshare() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let sender = human.machine.identityKeys.curve25519
        let first = try await human.machine.outboundRoomKey(room: "!a:test", rotation: .default)
        try await bot.machine.addRoomKey(first.key, sender: human.userID, senderKey: sender, signingKey: human.machine.identityKeys.ed25519)
        let early = try await human.machine.encrypt(megolm: "early", room: "!a:test")
        let later = try await human.machine.outboundRoomKey(room: "!a:test", rotation: .default)  // the key from index 1 on
        try await bot.machine.addRoomKey(later.key, sender: human.userID, senderKey: sender, signingKey: "forged-ed25519-key")
        try await bot.machine.addRoomKey(later.key, sender: "@mallory:test", senderKey: sender, signingKey: human.machine.identityKeys.ed25519)
        try await bot.machine.addRoomKey(later.key, sender: human.userID, senderKey: sender, signingKey: human.machine.identityKeys.ed25519)
        let opened = try await bot.machine.decrypt(
            megolm: early.ciphertext, room: "!a:test", sessionID: early.sessionID, senderKey: sender, eventID: "$early", originTS: 1)
        #expect(opened.json == "early")
        #expect(opened.signingKey == human.machine.identityKeys.ed25519)
        #expect(opened.sender == human.userID)
    }

    @Test("a claimed one-time key with a forged or missing signature starts no session")
    func forgedOneTimeKey() async throws {
        let alice = try await CryptoTestDevice("@alice:test")
        let bob = try await CryptoTestDevice("@bob:test")
        let mallory = try await CryptoTestDevice("@mallory:test")
        // Mallory's key, passed off as Bob's (signed by Mallory, not by Bob's device).
        let swapped = try await mallory.publishedOneTimeKey()
        let forged = await #expect(throws: MatrixCryptoError.self) {
            try await alice.machine.startOlmSession(
                with: bob.machine.identityKeys.curve25519, oneTimeKey: swapped, userID: "@mallory:test", signingKey: bob.machine.identityKeys.ed25519)
        }
        #expect(forged?.code == .unverifiedKey)
        var unsigned = try await bob.publishedOneTimeKey()
        unsigned.signatures = nil
        let missing = await #expect(throws: MatrixCryptoError.self) {
            try await alice.machine.startOlmSession(
                with: bob.machine.identityKeys.curve25519, oneTimeKey: unsigned, userID: bob.userID, signingKey: bob.machine.identityKeys.ed25519)
        }
        #expect(missing?.code == .unverifiedKey)
        #expect(try await !alice.machine.hasOlmSession(with: bob.machine.identityKeys.curve25519))
    }

    @Test("a one-time key is used once: a second pre-key message built on it is refused")
    func oneTimeKeyReuse() async throws {
        let alice = try await CryptoTestDevice("@alice:test")
        let carol = try await CryptoTestDevice("@carol:test")
        let bob = try await CryptoTestDevice("@bob:test")
        let key = try await bob.publishedOneTimeKey()
        let bobKeys = bob.machine.identityKeys
        try await alice.machine.startOlmSession(with: bobKeys.curve25519, oneTimeKey: key, userID: bob.userID, signingKey: bobKeys.ed25519)
        try await carol.machine.startOlmSession(with: bobKeys.curve25519, oneTimeKey: key, userID: bob.userID, signingKey: bobKeys.ed25519)
        let fromAlice = try await alice.machine.encrypt(olm: "first", to: bobKeys.curve25519)
        #expect(try await bob.machine.decrypt(olm: fromAlice, from: alice.machine.identityKeys.curve25519) == "first")
        let fromCarol = try await carol.machine.encrypt(olm: "second", to: bobKeys.curve25519)
        await #expect(throws: MatrixCryptoError.self) {
            try await bob.machine.decrypt(olm: fromCarol, from: carol.machine.identityKeys.curve25519)
        }
    }

    @Test("an Olm message from one device passed off as another's does not decrypt")
    func spoofedSenderKey() async throws {
        let alice = try await CryptoTestDevice("@alice:test")
        let mallory = try await CryptoTestDevice("@mallory:test")
        let bob = try await CryptoTestDevice("@bob:test")
        try await mallory.startSession(to: bob)
        let message = try await mallory.machine.encrypt(olm: "I am alice", to: bob.machine.identityKeys.curve25519)
        await #expect(throws: MatrixCryptoError.self) {
            try await bob.machine.decrypt(olm: message, from: alice.machine.identityKeys.curve25519)
        }
    }

    @Test("garbage ciphertext is an error, never a crash")
    func garbage() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let human = try await CryptoTestDevice("@human:test")
        let key = try await human.machine.outboundRoomKey(room: "!a:test", rotation: .default)
        try await bot.machine.addRoomKey(key.key, sender: human.userID, senderKey: human.machine.identityKeys.curve25519, signingKey: human.machine.identityKeys.ed25519)
        for junk in ["", "!!!", String(repeating: "A", count: 10_000), "AwgAEhAg"] {
            await #expect(throws: MatrixCryptoError.self) {
                try await bot.machine.decrypt(
                    megolm: junk, room: "!a:test", sessionID: key.key.sessionID, senderKey: human.machine.identityKeys.curve25519,
                    eventID: "$j", originTS: 1)
            }
            await #expect(throws: MatrixCryptoError.self) {
                try await bot.machine.decrypt(olm: OlmMessage(type: 0, body: junk), from: human.machine.identityKeys.curve25519)
            }
        }
        await #expect(throws: MatrixCryptoError.self) {
            try await bot.machine.decrypt(olm: OlmMessage(type: 7, body: "x"), from: human.machine.identityKeys.curve25519)
        }
    }

    @Test("a wrong pickle key cannot open the store, and leaves it intact for the right one")
    func wrongPickleKey() async throws {
        var bot = try await CryptoTestDevice("@bot:test")
        let keys = bot.machine.identityKeys
        let error = await #expect(throws: MatrixCryptoError.self) {
            try await bot.restart(key: "some other pickle key entirely")
        }
        #expect(error?.code == .badPickleKey)
        try await bot.restart()
        #expect(bot.machine.identityKeys == keys)
    }
}
