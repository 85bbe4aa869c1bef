/// The body of `GET /_matrix/client/v3/sync`, keeping only what the connector reads.
///
/// Every container is optional on the wire (an idle sync has no `rooms`); missing parts decode
/// as empty.
public struct SyncResponse: Sendable, Decodable {
    public var nextBatch: String
    public var rooms: Rooms
    public var accountData: LossyList<AccountDataEvent>

    public init(nextBatch: String, rooms: Rooms = Rooms(), accountData: [AccountDataEvent] = []) {
        self.nextBatch = nextBatch
        self.rooms = rooms
        self.accountData = LossyList(accountData)
    }

    enum CodingKeys: String, CodingKey {
        case nextBatch = "next_batch"
        case rooms
        case accountData = "account_data"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nextBatch = try c.decode(String.self, forKey: .nextBatch)
        rooms = try c.decodeIfPresent(Rooms.self, forKey: .rooms) ?? Rooms()
        accountData = try c.decodeIfPresent(EventList<AccountDataEvent>.self, forKey: .accountData)?.events ?? LossyList()
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
        var all = accountData.failures
        for room in rooms.join.values { all += room.state.failures + room.timeline.events.failures }
        for room in rooms.leave.values { all += room.state.failures + room.timeline.events.failures }
        for room in rooms.invite.values { all += room.inviteState.failures }
        return all
    }
}
