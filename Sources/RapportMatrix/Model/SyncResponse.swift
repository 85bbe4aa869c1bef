/// The body of `GET /_matrix/client/v3/sync`, keeping only what the connector reads.
///
/// Every container is optional on the wire (an idle sync has no `rooms`); missing parts decode
/// as empty.
public struct SyncResponse: Sendable, Decodable {
    public var nextBatch: String
    public var rooms: Rooms
    public var accountData: LossyList<AccountDataEvent>
    /// Messages sent to this device (room keys, encrypted with Olm), handled before the rooms.
    public var toDevice: LossyList<ToDeviceEvent>
    /// Users whose devices changed (`changed`) or who share no encrypted room with the bot any more (`left`).
    public var deviceLists: DeviceLists
    /// How many signed one-time keys the server still holds for this device, when it says.
    public var oneTimeKeysCount: Int?
    /// The key algorithms whose fallback key is still unused; `nil` when the server does not say.
    public var unusedFallbackKeyTypes: [String]?

    public init(
        nextBatch: String, rooms: Rooms = Rooms(), accountData: [AccountDataEvent] = [], toDevice: [ToDeviceEvent] = [],
        deviceLists: DeviceLists = DeviceLists(), oneTimeKeysCount: Int? = nil, unusedFallbackKeyTypes: [String]? = nil
    ) {
        self.nextBatch = nextBatch
        self.rooms = rooms
        self.accountData = LossyList(accountData)
        self.toDevice = LossyList(toDevice)
        self.deviceLists = deviceLists
        self.oneTimeKeysCount = oneTimeKeysCount
        self.unusedFallbackKeyTypes = unusedFallbackKeyTypes
    }

    enum CodingKeys: String, CodingKey {
        case nextBatch = "next_batch"
        case rooms
        case accountData = "account_data"
        case toDevice = "to_device"
        case deviceLists = "device_lists"
        case oneTimeKeysCount = "device_one_time_keys_count"
        case unusedFallbackKeyTypes = "device_unused_fallback_key_types"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nextBatch = try c.decode(String.self, forKey: .nextBatch)
        rooms = try c.decodeIfPresent(Rooms.self, forKey: .rooms) ?? Rooms()
        accountData = try c.decodeIfPresent(EventList<AccountDataEvent>.self, forKey: .accountData)?.events ?? LossyList()
        toDevice = (try? c.decodeIfPresent(EventList<ToDeviceEvent>.self, forKey: .toDevice))?.events ?? LossyList()
        deviceLists = (try? c.decodeIfPresent(DeviceLists.self, forKey: .deviceLists)) ?? DeviceLists()
        oneTimeKeysCount = (try? c.decodeIfPresent([String: Int].self, forKey: .oneTimeKeysCount))?["signed_curve25519"]
        unusedFallbackKeyTypes = try? c.decodeIfPresent([String].self, forKey: .unusedFallbackKeyTypes)
    }

    /// `device_lists` of a `/sync`: user IDs.
    public struct DeviceLists: Sendable, Decodable, Hashable {
        public var changed: [String]
        public var left: [String]

        public init(changed: [String] = [], left: [String] = []) {
            self.changed = changed
            self.left = left
        }

        enum CodingKeys: String, CodingKey { case changed, left }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            changed = (try? c.decodeIfPresent([String].self, forKey: .changed)) ?? []
            left = (try? c.decodeIfPresent([String].self, forKey: .left)) ?? []
        }
    }

    public struct Rooms: Sendable, Decodable {
        public var join: [String: JoinedRoom]
        public var invite: [String: InvitedRoom]
        public var leave: [String: LeftRoom]

        public init(join: [String: JoinedRoom] = [:], invite: [String: InvitedRoom] = [:], leave: [String: LeftRoom] = [:]) {
            self.join = join
            self.invite = invite
            self.leave = leave
        }

        enum CodingKeys: String, CodingKey { case join, invite, leave }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            join = try c.decodeIfPresent([String: JoinedRoom].self, forKey: .join) ?? [:]
            invite = try c.decodeIfPresent([String: InvitedRoom].self, forKey: .invite) ?? [:]
            leave = try c.decodeIfPresent([String: LeftRoom].self, forKey: .leave) ?? [:]
        }
    }

    /// A room the user is in: state changes since the last sync, then the timeline.
    public struct JoinedRoom: Sendable, Decodable {
        public var state: LossyList<ClientEvent>
        public var timeline: Timeline

        public init(state: [ClientEvent] = [], timeline: Timeline = Timeline()) {
            self.state = LossyList(state)
            self.timeline = timeline
        }

        enum CodingKeys: String, CodingKey { case state, timeline }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            state = try c.decodeIfPresent(EventList<ClientEvent>.self, forKey: .state)?.events ?? LossyList()
            timeline = try c.decodeIfPresent(Timeline.self, forKey: .timeline) ?? Timeline()
        }
    }

    /// A room the user is invited to: stripped state (no event IDs).
    public struct InvitedRoom: Sendable, Decodable {
        public var inviteState: LossyList<ClientEvent>

        public init(inviteState: [ClientEvent]) { self.inviteState = LossyList(inviteState) }

        enum CodingKeys: String, CodingKey { case inviteState = "invite_state" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inviteState = try c.decodeIfPresent(EventList<ClientEvent>.self, forKey: .inviteState)?.events ?? LossyList()
        }
    }

    /// A room the user left, was kicked or banned from, with the timeline up to that point.
    public typealias LeftRoom = JoinedRoom

    public struct Timeline: Sendable, Decodable {
        public var events: LossyList<ClientEvent>
        /// Whether events were left out between the previous sync and these.
        public var limited: Bool

        public init(events: [ClientEvent] = [], limited: Bool = false) {
            self.events = LossyList(events)
            self.limited = limited
        }

        enum CodingKeys: String, CodingKey { case events, limited }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            events = try c.decodeIfPresent(LossyList<ClientEvent>.self, forKey: .events) ?? LossyList()
            limited = (try? c.decodeIfPresent(Bool.self, forKey: .limited)) ?? false
        }
    }

    /// `{"events": [...]}`, the wrapper the API puts around most event arrays.
    struct EventList<Element: Decodable & Sendable>: Decodable {
        var events: LossyList<Element>

        enum CodingKeys: String, CodingKey { case events }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            events = try c.decodeIfPresent(LossyList<Element>.self, forKey: .events) ?? LossyList()
        }
    }
}

extension SyncResponse {
    /// Skipped elements of every list, for one warning per batch.
    var decodingFailures: [String] {
        var all = accountData.failures + toDevice.failures
        for room in rooms.join.values { all += room.state.failures + room.timeline.events.failures }
        for room in rooms.leave.values { all += room.state.failures + room.timeline.events.failures }
        for room in rooms.invite.values { all += room.inviteState.failures }
        return all
    }
}
