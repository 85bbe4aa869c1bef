import Foundation
public import RapportCore

/// Turns `/sync` batches into ``ChatEvent``s and the room actions they call for.
///
/// ```
/// SyncResponse ──▶ process(_:initial:) ──▶ [.deliver(ChatEvent), .acceptInvite, .forget, …]
///                        │ updates
///                        ▼
///            rooms (members, power levels, encryption), m.direct, seen event IDs
/// ```
/// It does no I/O: the connector carries out the actions, so every rule here is tested with
/// plain values. Each timeline event is delivered at most once (``seen`` is persisted with the
/// `since` token), and events the server shows from before the bot's own join, or from the first
/// sync of a new login, are marked ``ChatEvent/isHistory``.
public struct MatrixEventTranslator: Sendable {
    /// What the connector must do after a batch.
    public enum Action: Sendable, Hashable {
        /// Hand the event to the runtime.
        case deliver(ChatEvent)
        /// Join a room the bot was invited to, and record it in `m.direct` if `isDirect`.
        case acceptInvite(roomID: String, inviter: String, isDirect: Bool)
        /// Accept the invite if a configured alias resolves to the room through the homeserver's
        /// directory, else decline it (the invite's own alias claims come from the inviting server).
        case resolveInvite(roomID: String, inviter: String, isDirect: Bool)
        /// Decline an invite that the configuration does not allow.
        case declineInvite(roomID: String, inviter: String)
        /// The bot was kicked or banned: drop the room from the account (`/forget`).
        case forget(roomID: String)
        /// The room is end-to-end encrypted: say once that the bot cannot read it.
        case announceEncryption(roomID: String)
    }

    public let network: String
    public let ownUserID: String
    let configuration: MatrixConfiguration
    private(set) var rooms: [String: MatrixRoom] = [:]
    /// The bot's `m.direct`: DM rooms by user ID.
    private(set) var direct: [String: [String]] = [:]
    private var directPartner: [String: String] = [:]
    /// Event IDs already delivered (persisted across restarts).
    private(set) var seen: BoundedSet
    private(set) var recent = RecentEvents(capacity: 4096)
    /// Rooms already told that the bot cannot read encrypted messages (persisted).
    var announcedEncryption: Set<String> = []
    private var handledInvites: Set<String> = []
    /// Events skipped because their content made no sense, for the log.
    private(set) var skipped: [String] = []

    public init(network: String, ownUserID: String, configuration: MatrixConfiguration, seen: [String] = [], seenCapacity: Int = 2048) {
        self.network = network
        self.ownUserID = ownUserID
        self.configuration = configuration
        self.seen = BoundedSet(capacity: seenCapacity, seen)
    }

    // MARK: - Batches

    /// Processes one `/sync` batch.
    ///
    /// - Parameter initial: Whether this is the first sync of this login (no `since`): all of
    ///   its timeline is history.
    public mutating func process(_ response: SyncResponse, initial: Bool) -> [Action] {
        var actions: [Action] = []
        skipped.removeAll(keepingCapacity: true)
        for event in response.accountData.elements where event.type == "m.direct" {
            setDirect(event.content)
        }
        for (roomID, room) in response.rooms.join {
            handledInvites.remove(roomID)
            processJoined(roomID, room, initial: initial, into: &actions)
        }
        for (roomID, room) in response.rooms.leave {
            handledInvites.remove(roomID)
            processLeft(roomID, room, into: &actions)
        }
        for (roomID, room) in response.rooms.invite {
            processInvite(roomID, room.inviteState.elements, into: &actions)
        }
        return actions
    }

    /// Why events of the last batch were skipped.
    var skippedLastBatch: [String] { skipped }

    private mutating func processJoined(
        _ roomID: String, _ joined: SyncResponse.JoinedRoom, initial: Bool, into actions: inout [Action]
    ) {
        let isNew = rooms[roomID]?.awaitingFirstSync ?? true
        var room = rooms[roomID] ?? MatrixRoom()
        room.awaitingFirstSync = false
        for event in joined.state.elements { room.apply(event) }
        let timeline = joined.timeline.events.elements
        var historyEnd = 0
        if initial {
            historyEnd = timeline.count
        } else if isNew, let ownJoin = timeline.lastIndex(where: { isOwnMembership($0, "join") }) {
            historyEnd = ownJoin
        }
        var sawEncrypted = false
        for (index, event) in timeline.enumerated() {
            if event.type == "m.room.encrypted" { sawEncrypted = true }
            deliver(event, in: roomID, room: room, isHistory: index < historyEnd, into: &actions)
            if event.stateKey != nil { room.apply(event) }
        }
        rooms[roomID] = room
        if !configuration.encryption.enabled, room.isEncrypted || sawEncrypted, announcedEncryption.insert(roomID).inserted {
            actions.append(.announceEncryption(roomID: roomID))
        }
    }

    private mutating func processLeft(_ roomID: String, _ left: SyncResponse.LeftRoom, into actions: inout [Action]) {
        guard var room = rooms[roomID] else { return }
        for event in left.state.elements { room.apply(event) }
        var removedBy: String?
        for event in left.timeline.events.elements {
            deliver(event, in: roomID, room: room, isHistory: false, into: &actions)
            if event.stateKey != nil { room.apply(event) }
            if isOwnMembership(event, "leave") || isOwnMembership(event, "ban") {
                removedBy = event.sender == ownUserID ? nil : event.sender
            }
        }
        rooms[roomID] = nil
        if removedBy != nil { actions.append(.forget(roomID: roomID)) }
    }

    private mutating func processInvite(_ roomID: String, _ state: [ClientEvent], into actions: inout [Action]) {
        guard
            let invite = state.last(where: {
                $0.type == "m.room.member" && $0.stateKey == ownUserID && $0.content["membership"]?.string == "invite"
            }),
            handledInvites.insert(roomID).inserted
        else { return }
        var room = MatrixRoom()
        for event in state { room.apply(event) }
        let inviter = invite.sender
        let isDirect = invite.content["is_direct"]?.bool == true
        actions.append(.deliver(ChatEvent(
            network: network, channel: roomID, sender: user(inviter, in: room),
            time: time(of: invite), kind: .invite,
            senderIsOperator: room.powerLevel(of: inviter) >= configuration.operatorPowerLevel)))
        if configuration.allowsInvite(from: inviter, roomID: roomID) {
            actions.append(.acceptInvite(roomID: roomID, inviter: inviter, isDirect: isDirect))
        } else if !configuration.roomAliases.isEmpty {
            actions.append(.resolveInvite(roomID: roomID, inviter: inviter, isDirect: isDirect))
        } else {
            actions.append(.declineInvite(roomID: roomID, inviter: inviter))
        }
    }

    private mutating func deliver(
        _ event: ClientEvent, in roomID: String, room: MatrixRoom, isHistory: Bool, into actions: inout [Action]
    ) {
        guard let id = event.eventID, seen.insert(id) else { return }
        guard let kind = kind(of: event, id: id, room: room) else { return }
        let isDirect = directPartner[roomID] != nil
        if isDirect, event.stateKey != nil { return }  // joins and topics of a DM are not chat
        actions.append(.deliver(ChatEvent(
            network: network, channel: isDirect ? nil : roomID, sender: user(event.sender, in: room, event: event),
            time: time(of: event), id: MessageID(id), kind: kind,
            senderIsOperator: room.powerLevel(of: event.sender) >= configuration.operatorPowerLevel,
            isHistory: isHistory, isOwn: event.sender == ownUserID)))
    }

    // MARK: - Events

    private mutating func kind(of event: ClientEvent, id: String, room: MatrixRoom) -> ChatEvent.Kind? {
        let content = event.content
        switch event.type {
        case "m.room.message":
            return messageKind(event, id: id)
        case "m.reaction":
            guard let relation = content["m.relates_to"], relation["rel_type"]?.string == "m.annotation",
                let target = relation["event_id"]?.string, let key = relation["key"]?.string
            else { return skip(event, "reaction without m.annotation relation") }
            return .reaction(target: MessageID(target), key: key)
        case "m.room.redaction":
            guard let target = event.redactedEventID else { return skip(event, "redaction without target") }
            return .redaction(target: MessageID(target))
        case "m.room.member":
            return membershipKind(event, room: room)
        case "m.room.topic":
            guard event.stateKey == "", let topic = content["topic"]?.string else { return nil }
            return .topic(topic)
        default:
            return nil
        }
    }

    private mutating func messageKind(_ event: ClientEvent, id: String) -> ChatEvent.Kind? {
        let content = event.content
        if event.unsigned?["redacted_because"] != nil { return nil }
        guard let msgtype = content["msgtype"]?.string, let body = content["body"]?.string else {
            return skip(event, "message without msgtype or body")
        }
        let relation = content["m.relates_to"]
        if relation?["rel_type"]?.string == "m.replace", let target = relation?["event_id"]?.string {
            let replacement = content["m.new_content"] ?? content
            guard let text = replacement["body"]?.string else { return skip(event, "edit without m.new_content.body") }
            let original = recent[target]
            if let original, original.sender != event.sender { return skip(event, "edit of another user's message") }
            let message = ChatMessage(text, threadRoot: original?.threadRoot.map { MessageID($0) }, mentions: Self.mentions(in: replacement))
            return .edit(target: MessageID(target), message)
        }
        var threadRoot: String?
        var replyTo = relation?["m.in_reply_to"]?["event_id"]?.string
        if relation?["rel_type"]?.string == "m.thread", let root = relation?["event_id"]?.string {
            threadRoot = root
            if relation?["is_falling_back"]?.bool == true { replyTo = nil }
        }
        recent.record(id, .init(sender: event.sender, threadRoot: threadRoot))
        let text = relation?["m.in_reply_to"] != nil ? Self.strippingReplyFallback(body) : body
        let message = ChatMessage(
            text, replyTo: replyTo.map { MessageID($0) }, threadRoot: threadRoot.map { MessageID($0) },
            mentions: Self.mentions(in: content))
        switch msgtype {
        case "m.text": return .message(message)
        case "m.notice": return .notice(message)
        case "m.emote": return .action(message)
        default: return nil  // images, files, locations: not chat text
        }
    }

    private func membershipKind(_ event: ClientEvent, room: MatrixRoom) -> ChatEvent.Kind? {
        guard let target = event.stateKey, let membership = event.content["membership"]?.string else { return nil }
        let previous = room.memberships[target]
        let reason = event.content["reason"]?.string
        switch membership {
        case "join":
            return previous == "join" ? nil : .join  // join → join is a profile change
        case "leave" where event.sender == target:
            return previous == "invite" ? nil : .part(reason: reason)
        case "leave":
            return previous == "ban" || previous == "invite" ? nil : .kick(target: room.nick(of: target), reason: reason)
        case "ban":
            return .kick(target: room.nick(of: target), reason: reason)
        default:
            return nil
        }
    }

    private mutating func skip(_ event: ClientEvent, _ why: String) -> ChatEvent.Kind? {
        if skipped.count < 20 { skipped.append("\(event.eventID ?? "?") (\(event.type)): \(why)") }
        return nil
    }

    private func isOwnMembership(_ event: ClientEvent, _ membership: String) -> Bool {
        event.type == "m.room.member" && event.stateKey == ownUserID && event.content["membership"]?.string == membership
    }

    private func user(_ userID: String, in room: MatrixRoom, event: ClientEvent? = nil) -> ChatUser {
        var nick = room.nick(of: userID)
        if let event, event.type == "m.room.member", event.stateKey == userID,
            let name = event.content["displayname"]?.string, !name.isEmpty
        {
            nick = name
        }
        return ChatUser(nick: nick, identity: .matrix(userID: userID), address: userID)
    }

    private func time(of event: ClientEvent) -> Date {
        event.originServerTS.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date()
    }

    // MARK: - Rooms and DMs

    /// What is known of a joined room.
    func room(_ roomID: String) -> MatrixRoom? { rooms[roomID] }

    /// Who a recent event was sent by, and its thread.
    func recentEvent(_ eventID: String) -> RecentEvents.Info? { recent[eventID] }

    /// Replaces the DM map with the content of an `m.direct` account data event.
    mutating func setDirect(_ content: MatrixJSON) {
        var map: [String: [String]] = [:]
        for (user, rooms) in content.object ?? [:] {
            let ids = (rooms.array ?? []).compactMap(\.string)
            if !ids.isEmpty { map[user] = ids }
        }
        direct = map
        directPartner = [:]
        for (user, rooms) in map {
            for room in rooms { directPartner[room] = user }
        }
    }

    /// Records `roomID` as a DM with `userID`; returns the new `m.direct` content.
    mutating func recordDirect(_ roomID: String, with userID: String) -> MatrixJSON {
        var rooms = direct[userID] ?? []
        if !rooms.contains(roomID) { rooms.append(roomID) }
        direct[userID] = rooms
        directPartner[roomID] = userID
        return .object(direct.mapValues { .array($0.map(MatrixJSON.string)) })
    }

    /// The DM rooms with `userID` in `m.direct`, newest first, and whether each can be used
    /// (the bot joined, they did not leave): `nil` when the room has not been synced yet.
    func directRooms(with userID: String) -> [(roomID: String, usable: Bool?)] {
        (direct[userID] ?? []).reversed().map { roomID in
            guard let room = rooms[roomID] else { return (roomID, nil) }
            let theirs = room.memberships[userID]
            let usable = room.memberships[ownUserID] != "leave" && (theirs == nil || theirs == "join" || theirs == "invite")
            return (roomID, usable)
        }
    }

    /// Forgets a room the bot left.
    mutating func removeRoom(_ roomID: String) { rooms[roomID] = nil }

    /// Notes a room the bot just joined, so sends can find it before the next sync.
    mutating func noteJoined(_ roomID: String) {
        if rooms[roomID] == nil {
            var room = MatrixRoom()
            room.awaitingFirstSync = true
            rooms[roomID] = room
        }
    }

    // MARK: - Text

    /// User IDs the content mentions: `m.mentions.user_ids`, else the pills of its HTML body.
    static func mentions(in content: MatrixJSON) -> [String] {
        if let mentions = content["m.mentions"] {
            return (mentions["user_ids"]?.array ?? []).compactMap(\.string)
        }
        guard let html = content["formatted_body"]?.string else { return [] }
        var found: [String] = []
        var rest = Substring(html)
        while let range = rest.range(of: "matrix.to/#/") {
            let tail = rest[range.upperBound...]
            let end = tail.firstIndex(where: { "\"'?> ".contains($0) }) ?? tail.endIndex
            let raw = String(tail[..<end])
            let id = raw.removingPercentEncoding ?? raw
            if id.hasPrefix("@"), MatrixIdentifiers.isUserID(id), !found.contains(id) { found.append(id) }
            rest = tail[end...]
        }
        return found
    }

    /// The body without the `> <@user> quoted text` lines that older clients put before a reply.
    static func strippingReplyFallback(_ body: String) -> String {
        guard body.hasPrefix("> ") else { return body }
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first, first.hasPrefix(">") { lines = lines.dropFirst() }
        if let first = lines.first, first.isEmpty { lines = lines.dropFirst() }
        return lines.joined(separator: "\n")
    }
}
