import Foundation
import Testing
@testable import RapportMatrix

/// A federated server invites the bot to a room it controls and claims, in the invite's stripped
/// state, the canonical alias of a room the bot is configured to join.
struct AdversarialMatrixInviteTests {
    static let configured = "#lobby:example.org"
    static let realRoom = "!lobby:example.org"
    static let attackerRoom = "!trap:evil.example"

    static func invite(to roomID: String) -> SyncResponse {
        let claimedAlias = ClientEvent(
            type: "m.room.canonical_alias", eventID: nil, sender: "@mallory:evil.example", stateKey: "",
            content: ["alias": .string(configured), "alt_aliases": [.string(configured)]])
        return SyncResponse(
            nextBatch: "s",
            rooms: .init(invite: [roomID: .init(inviteState: [claimedAlias, Fixture.member(Fixture.bot, "invite", by: "@mallory:evil.example")])]))
    }

    @Test("an alias claimed in the invite's stripped state does not make the translator accept it")
    func strippedStateAliasIsNotTrusted() {
        var translator = MatrixEventTranslator(
            network: "mx", ownUserID: Fixture.bot, configuration: Fixture.configuration(rooms: [Self.configured]))
        let actions = translator.process(Self.invite(to: Self.attackerRoom), initial: false)
        #expect(!actions.contains(.acceptInvite(roomID: Self.attackerRoom, inviter: "@mallory:evil.example", isDirect: false)))
        #expect(actions.last == .resolveInvite(roomID: Self.attackerRoom, inviter: "@mallory:evil.example", isDirect: false))
    }

    @Test("the configured alias is resolved through the homeserver's directory, and another room is declined")
    func aliasResolvedThroughDirectory() async {
        let configuration = Fixture.configuration(rooms: [Self.configured])
        let directory: @Sendable (String) async throws -> String = { alias in
            guard alias == Self.configured else { throw MatrixError(.http, "no such alias", status: 404, errcode: "M_NOT_FOUND") }
            return Self.realRoom
        }
        #expect(await !configuration.isConfiguredAlias(of: Self.attackerRoom, resolve: directory))
        #expect(await configuration.isConfiguredAlias(of: Self.realRoom, resolve: directory))
    }

    @Test("without configured aliases an uninvited room is declined outright")
    func noAliasesMeansDecline() {
        var translator = MatrixEventTranslator(
            network: "mx", ownUserID: Fixture.bot, configuration: Fixture.configuration(rooms: [Self.realRoom]))
        let actions = translator.process(Self.invite(to: Self.attackerRoom), initial: false)
        #expect(actions.last == .declineInvite(roomID: Self.attackerRoom, inviter: "@mallory:evil.example"))
    }
}
