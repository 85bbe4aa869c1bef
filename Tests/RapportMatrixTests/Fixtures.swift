import Foundation
import RapportCore
@testable import RapportMatrix

/// Builders for `/sync` batches in unit tests.
enum Fixture {
    static let bot = "@rapport:example.org"
    static let alice = "@alice:example.org"
    static let bob = "@bob:example.org"
    static let room = "!room:example.org"

    static func configuration(allow: [String] = [], rooms: [String] = []) -> MatrixConfiguration {
        MatrixConfiguration(
            homeserver: URL(string: "http://127.0.0.1:8008")!, userID: bot, password: "secret",
            rooms: rooms, allowInvitesFrom: allow)
    }

    static func translator(allow: [String] = [], seen: [String] = []) -> MatrixEventTranslator {
        MatrixEventTranslator(network: "mx", ownUserID: bot, configuration: configuration(allow: allow), seen: seen)
    }

    static func message(
        _ id: String, _ body: String, from sender: String = alice, msgtype: String = "m.text", extra: [String: MatrixJSON] = [:]
    ) -> ClientEvent {
        var content: [String: MatrixJSON] = ["msgtype": .string(msgtype), "body": .string(body)]
        for (key, value) in extra { content[key] = value }
        return ClientEvent(type: "m.room.message", eventID: id, sender: sender, originServerTS: 1_700_000_000_000, content: .object(content))
    }

    static func member(_ user: String, _ membership: String, by sender: String? = nil, name: String? = nil, id: String? = nil, isDirect: Bool? = nil) -> ClientEvent {
        var content: [String: MatrixJSON] = ["membership": .string(membership)]
        if let name { content["displayname"] = .string(name) }
        if let isDirect { content["is_direct"] = .bool(isDirect) }
        return ClientEvent(
            type: "m.room.member", eventID: id ?? "$member-\(user)-\(membership)", sender: sender ?? user, stateKey: user,
            content: .object(content))
    }

    static func powerLevels(_ users: [String: Int]) -> ClientEvent {
        ClientEvent(
            type: "m.room.power_levels", eventID: "$pl", sender: alice, stateKey: "",
            content: ["users": .object(users.mapValues { .number(Double($0)) }), "users_default": 0])
    }

    static func batch(
        _ timeline: [ClientEvent], state: [ClientEvent] = [], room: String = room, next: String = "s1",
        accountData: [AccountDataEvent] = []
    ) -> SyncResponse {
        SyncResponse(
            nextBatch: next,
            rooms: .init(join: [room: .init(state: state, timeline: .init(events: timeline))]),
            accountData: accountData)
    }

    /// The delivered events of `actions`.
    static func events(_ actions: [MatrixEventTranslator.Action]) -> [ChatEvent] {
        actions.compactMap { if case .deliver(let event) = $0 { event } else { nil } }
    }
}
