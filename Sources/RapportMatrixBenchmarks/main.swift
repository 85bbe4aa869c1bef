// Events/second that the Matrix connector turns from a large `/sync` body into chat events:
// JSON decoding plus translation (dedupe, room state, relations), no network.
//
//   swift run -c release RapportMatrixBenchmarks [rooms] [events-per-room] [iterations]
//
// And the CPU a connector uses while idle on a real homeserver's long-poll:
//
//   swift run -c release RapportMatrixBenchmarks idle URL USER_ID PASSWORD SECONDS [SYNC_TIMEOUT]
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import NIOCore
import RapportCore
import RapportMatrix

if CommandLine.arguments.dropFirst().first == "idle" {
    try await idleBenchmark(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let roomCount = arguments.count > 0 ? arguments[0] : 200
let eventsPerRoom = arguments.count > 1 ? arguments[1] : 50
let iterations = arguments.count > 2 ? arguments[2] : 10
let server = "bench.example.org"

/// A `/sync` body: per room a state section (create, power levels, members) and a timeline that
/// mixes plain messages, replies with fallbacks, edits, reactions, HTML with pills and joins.
func syncBody(batch: Int) -> ByteBuffer {
    var rooms: [String: Any] = [:]
    for r in 0..<roomCount {
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
            let id = "$b\(batch)r\(r)e\(e)"
            // An edit comes from the author of the message it edits (others' edits are ignored).
            let sender = users[(e % 10 == 9 ? e - 1 : e) % users.count]
            let previous = "$b\(batch)r\(r)e\(max(e - 1, 0))"
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
    let body: [String: Any] = ["next_batch": "s\(batch)", "rooms": ["join": rooms], "account_data": ["events": []]]
    let data = try! JSONSerialization.data(withJSONObject: body)
    return ByteBuffer(bytes: data)
}

let configuration = MatrixConfiguration(homeserver: URL(string: "https://\(server)")!, userID: "@bot:\(server)", password: "x")
var translator = MatrixEventTranslator(network: "bench", ownUserID: "@bot:\(server)", configuration: configuration)
let bodies = (0..<iterations).map(syncBody(batch:))
let totalEvents = roomCount * eventsPerRoom
print("Matrix /sync benchmark: \(roomCount) rooms × \(eventsPerRoom) events = \(totalEvents) timeline events, "
    + "\(bodies[0].readableBytes / 1024) KiB of JSON per batch, \(iterations) batches")

var decodeTimes: [Double] = []
var translateTimes: [Double] = []
var delivered = 0
let clock = ContinuousClock()
for body in bodies {
    let start = clock.now
    let batch = try MatrixClient.decodeSync(body)
    let decoded = clock.now
    let actions = translator.process(batch, initial: false)
    let done = clock.now
    delivered += actions.count(where: { if case .deliver = $0 { true } else { false } })
    decodeTimes.append((decoded - start) / .seconds(1))
    translateTimes.append((done - decoded) / .seconds(1))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let total = zip(decodeTimes, translateTimes).map(+)
print(String(format: "decode:    median %.1f ms per batch", median(decodeTimes) * 1000))
print(String(format: "translate: median %.1f ms per batch", median(translateTimes) * 1000))
print(String(format: "total:     median %.1f ms per batch → %.0f events/s (best %.0f events/s)",
             median(total) * 1000, Double(totalEvents) / median(total), Double(totalEvents) / total.min()!))
print("chat events delivered: \(delivered) of \(totalEvents * iterations) timeline events (reactions/edits included, nothing dropped twice)")

/// Process CPU time (user + system), in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// A key-value store in memory, enough for the connector.
actor MemoryStore: Store {
    var values: [String: String] = [:]
    func migrate(_ namespace: String, _ migrations: [Migration]) async throws {}
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        throw CancellationError()
    }
    func value(forKey key: String, in namespace: String) async throws -> String? { values["\(namespace)/\(key)"] }
    func setValue(_ value: String?, forKey key: String, in namespace: String) async throws { values["\(namespace)/\(key)"] = value }
    func entries(in namespace: String, keyPrefix: String) async throws -> [(key: String, value: String)] {
        values.filter { $0.key.hasPrefix("\(namespace)/\(keyPrefix)") }.sorted { $0.key < $1.key }
            .map { (String($0.key.dropFirst(namespace.count + 1)), $0.value) }
    }
}

struct CountingSink: EventSink {
    func receive(_ events: [ChatEvent]) async {}
    func settle() async {}
}

func idleBenchmark(_ arguments: [String]) async throws {
    guard arguments.count >= 4, let url = URL(string: arguments[0]), let seconds = Double(arguments[3]) else {
        print("usage: RapportMatrixBenchmarks idle URL USER_ID PASSWORD SECONDS [SYNC_TIMEOUT]")
        exit(2)
    }
    let syncTimeout = arguments.count > 4 ? Double(arguments[4]) ?? 30 : 30
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let configuration = MatrixConfiguration(homeserver: url, userID: arguments[1], password: arguments[2], syncTimeout: syncTimeout)
    let connector = MatrixConnector(network: "bench", configuration: configuration, store: MemoryStore(), logger: logger)
    let task = Task { try await connector.run(events: CountingSink()) }
    try await Task.sleep(for: .seconds(5))  // login and first sync
    let cpuStart = cpuSeconds()
    let wallStart = ContinuousClock.now
    try await Task.sleep(for: .seconds(seconds))
    let cpu = cpuSeconds() - cpuStart
    let wall = (ContinuousClock.now - wallStart) / .seconds(1)
    task.cancel()
    print(String(format: "idle sync loop (sync_timeout %.0f s): %.3f s CPU in %.0f s wall = %.3f%% of one core",
                 syncTimeout, cpu, wall, cpu / wall * 100))
}
