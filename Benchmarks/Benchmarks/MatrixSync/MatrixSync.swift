import Benchmark
import BenchmarkConfiguration
import Foundation
import NIOCore
import RapportCore
import RapportMatrix

/// What the Matrix connector does with a large `/sync` body, no network: JSON decoding
/// (`MatrixClient.decodeSync`) plus translation into chat events (`MatrixEventTranslator`:
/// dedupe, room state, relations), 20 rooms × 50 timeline events, with a new translator each
/// iteration (as on a first sync).
let benchmarks: @Sendable () -> Void = {
    let server = "bench.example.org"
    let configuration = MatrixConfiguration(homeserver: URL(string: "https://\(server)")!, userID: "@bot:\(server)", password: "x")
    Benchmark(
        "decode-and-translate-20-rooms-x-50-events", configuration: .rapport(maxIterations: 200),
        closure: { benchmark, body in
            try benchmark.measuringCPU {
                var translator = MatrixEventTranslator(network: "bench", ownUserID: "@bot:\(server)", configuration: configuration)
                blackHole(translator.process(try MatrixClient.decodeSync(body), initial: false))
            }
        },
        setup: { try SyncBody(server: server, rooms: 20, eventsPerRoom: 50).bytes() })
}

/// A `/sync` body: per room a state section (create, power levels, members) and a timeline that
/// mixes plain messages, replies with fallbacks, edits, reactions, HTML with pills and joins.
struct SyncBody {
    let server: String
    let rooms: Int
    let eventsPerRoom: Int

    func bytes() throws -> ByteBuffer {
        var rooms: [String: Any] = [:]
        for r in 0..<self.rooms {
            let roomID = "!room\(r):\(server)"
            let users = (0..<8).map { "@user\($0):\(server)" }
            var state: [[String: Any]] = [
                ["type": "m.room.create", "event_id": "$create\(r)", "sender": users[0], "state_key": "", "origin_server_ts": 1, "content": ["room_version": "10"]],
                ["type": "m.room.power_levels", "event_id": "$pl\(r)", "sender": users[0], "state_key": "", "origin_server_ts": 1,
                 "content": ["users": [users[0]: 100, users[1]: 50], "users_default": 0]],
            ]
            for (i, user) in users.enumerated() {
                state.append(["type": "m.room.member", "event_id": "$m\(r)-\(i)", "sender": user, "state_key": user, "origin_server_ts": 1,
                              "content": ["membership": "join", "displayname": "User \(i)"]])
            }
            var timeline: [[String: Any]] = []
            for e in 0..<eventsPerRoom {
                let id = "$r\(r)e\(e)"
                // An edit comes from the author of the message it edits (others' edits are ignored).
                let sender = users[(e % 10 == 9 ? e - 1 : e) % users.count]
                let previous = "$r\(r)e\(max(e - 1, 0))"
                var event: [String: Any] = ["event_id": id, "sender": sender, "origin_server_ts": 1_700_000_000_000 + e, "unsigned": ["age": 10]]
                switch e % 10 {
                case 7:
                    event["type"] = "m.reaction"
                    event["content"] = ["m.relates_to": ["rel_type": "m.annotation", "event_id": previous, "key": "👍"]]
                case 8:
                    event["type"] = "m.room.message"
                    event["content"] = ["msgtype": "m.text", "body": "> <\(users[0])> quoted\n\nreply number \(e)",
                                        "m.relates_to": ["m.in_reply_to": ["event_id": previous]]]
                case 9:
                    event["type"] = "m.room.message"
                    event["content"] = ["msgtype": "m.text", "body": "* fixed \(e)", "m.new_content": ["msgtype": "m.text", "body": "fixed \(e)"],
                                        "m.relates_to": ["rel_type": "m.replace", "event_id": previous]]
                case 5:
                    event["type"] = "m.room.message"
                    event["content"] = ["msgtype": "m.text", "body": "User 2: look", "format": "org.matrix.custom.html",
                                        "formatted_body": "<a href=\"https://matrix.to/#/\(users[2])\">User 2</a>: look"]
                default:
                    event["type"] = "m.room.message"
                    event["content"] = ["msgtype": "m.text", "body": "message \(e) in room \(r), with some ordinary chat text",
                                        "m.mentions": [String: Any]()]
                }
                timeline.append(event)
            }
            rooms[roomID] = ["state": ["events": state], "timeline": ["events": timeline, "limited": false, "prev_batch": "p"],
                             "ephemeral": ["events": []], "account_data": ["events": []],
                             "unread_notifications": ["highlight_count": 0, "notification_count": 0]]
        }
        let body: [String: Any] = ["next_batch": "s1", "rooms": ["join": rooms], "account_data": ["events": []]]
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
    }
}
