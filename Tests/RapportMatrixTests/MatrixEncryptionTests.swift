import Foundation
import RapportCore
import RapportMatrixCrypto
import RapportServerTesting
import Testing
@testable import RapportMatrix

struct MatrixEncryptionTests {
    @Test("a room key by to-device message, then an encrypted !ping: the runtime gets an ordinary message")
    func receivesEncryptedMessage() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent()
        let ping = try await fixture.encryptedMessage("$ping", "!ping")
        await fixture.connector.process(EncryptedFixture.batch([ping], toDevice: [key]), initial: false, into: fixture.sink)
        let event = try #require(fixture.sink.all.first)
        #expect(event.message?.text == "!ping")
        #expect(event.sender.address == Fixture.alice)
        #expect(event.id == MessageID("$ping"))
    }

    @Test("keys and messages survive a restart of the connector: a later message still decrypts")
    func afterRestart() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent()
        await fixture.connector.process(EncryptedFixture.batch([], toDevice: [key]), initial: false, into: fixture.sink)
        let store = await fixture.connector.saved.store
        let again = MatrixConnector(network: "mx", configuration: await fixture.connector.configuration, store: store, logger: testLogger("e2ee"))
        try await again.restoreState(for: .init(userID: Fixture.bot, deviceID: EncryptedFixture.botDevice))
        try await again.openEncryption(userID: Fixture.bot, deviceID: EncryptedFixture.botDevice)
        #expect(await again.crypto?.identityKeys == fixture.bot.identityKeys)
        let later = try await fixture.encryptedMessage("$later", "still here")
        await again.process(EncryptedFixture.batch([later], next: "s2"), initial: false, into: fixture.sink)
        #expect(fixture.texts == ["still here"])
    }

    @Test("with encryption on, an encrypted room is not told that the bot cannot read it")
    func noCannotReadNotice() async throws {
        let fixture = try await EncryptedFixture()
        let translator = MatrixEventTranslator(network: "mx", ownUserID: Fixture.bot, configuration: await fixture.connector.configuration)
        var copy = translator
        let actions = copy.process(EncryptedFixture.batch([]), initial: false)
        #expect(!actions.contains { if case .announceEncryption = $0 { true } else { false } })
    }
}
