/// What the connector knows about one room, built from its state events.
struct MatrixRoom: Sendable, Hashable {
    /// Display names by user ID (from `m.room.member`); absent when the member set none.
    var displayNames: [String: String] = [:]
    /// `join`, `invite`, `leave`, `ban` by user ID.
    var memberships: [String: String] = [:]
    /// Power levels by user ID, and the level of everyone else.
    var powerLevels: [String: Int] = [:]
    var usersDefault = 0
    /// Room version 12 creators, who outrank every power level.
    var creators: Set<String> = []
    var isEncrypted = false
    /// Joined by the bot but not yet seen in a sync: its first timeline may hold older history.
    var awaitingFirstSync = false

    func powerLevel(of userID: String) -> Int {
        if creators.contains(userID) { return Int.max }
        return powerLevels[userID] ?? usersDefault
    }

    /// The name to show for `userID`: the room display name, else the localpart.
    func nick(of userID: String) -> String {
        if let name = displayNames[userID], !name.isEmpty { return name }
        return MatrixIdentifiers.localpart(of: userID)
    }

    /// Applies one state event.
    mutating func apply(_ event: ClientEvent) {
        guard let stateKey = event.stateKey else { return }
        switch event.type {
        case "m.room.member":
            guard let membership = event.content["membership"]?.string else { return }
            memberships[stateKey] = membership
            if let name = event.content["displayname"]?.string {
                displayNames[stateKey] = name
            } else if membership == "join" {
                displayNames[stateKey] = nil
            }
        case "m.room.power_levels":
            var levels: [String: Int] = [:]
            for (user, value) in event.content["users"]?.object ?? [:] {
                if let level = value.int { levels[user] = level }
            }
            powerLevels = levels
            usersDefault = event.content["users_default"]?.int ?? 0
        case "m.room.create":
            let version = event.content["room_version"]?.string ?? "1"
            if let number = Int(version), number >= 12 {
                creators = [event.sender]
                for creator in event.content["additional_creators"]?.array ?? [] {
                    if let id = creator.string { creators.insert(id) }
                }
            }
        case "m.room.encryption":
            isEncrypted = true
        default:
            break
        }
    }
}

/// The last `capacity` strings seen, oldest forgotten first: the event IDs already handled.
struct BoundedSet: Sendable, Hashable {
    let capacity: Int
    private var members: Set<String> = []
    private var ring: [String] = []
    private var next = 0

    init(capacity: Int, _ elements: [String] = []) {
        self.capacity = max(capacity, 1)
        for element in elements { insert(element) }
    }

    func contains(_ element: String) -> Bool { members.contains(element) }

    /// Adds `element`; returns `false` if it was already there.
    @discardableResult
    mutating func insert(_ element: String) -> Bool { add(element).inserted }

    /// Adds `element`; returns whether it was new, and the element forgotten to make room.
    mutating func add(_ element: String) -> (inserted: Bool, evicted: String?) {
        guard members.insert(element).inserted else { return (false, nil) }
        if ring.count < capacity {
            ring.append(element)
            return (true, nil)
        }
        let evicted = ring[next]
        members.remove(evicted)
        ring[next] = element
        next = (next + 1) % capacity
        return (true, evicted)
    }

    /// Oldest first.
    var elements: [String] { Array(ring[next...] + ring[..<next]) }

    var count: Int { ring.count }
}

/// A bounded map from recent event IDs to what later events need from them (replies, edits).
struct RecentEvents: Sendable {
    struct Info: Sendable, Hashable {
        var sender: String
        var threadRoot: String?
    }

    private var keys: BoundedSet
    private var values: [String: Info] = [:]

    init(capacity: Int) { keys = BoundedSet(capacity: capacity) }

    subscript(eventID: String) -> Info? { values[eventID] }

    mutating func record(_ eventID: String, _ info: Info) {
        if let evicted = keys.add(eventID).evicted { values[evicted] = nil }
        values[eventID] = info
    }
}
