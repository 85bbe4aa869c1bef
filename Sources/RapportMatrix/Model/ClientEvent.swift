/// One event as the client-server API delivers it: a timeline event, a state event, or a
/// stripped state event of an invite (which has no ``eventID``).
public struct ClientEvent: Sendable, Hashable, Decodable {
    public var type: String
    public var eventID: String?
    public var sender: String
    /// Milliseconds since the Unix epoch, by the sender's homeserver.
    public var originServerTS: Int64?
    /// Set on state events (empty string for most room state).
    public var stateKey: String?
    public var content: MatrixJSON
    /// The redacted event, top level in room versions 1–10 (`content.redacts` from v11).
    public var redacts: String?
    public var unsigned: MatrixJSON?

    public init(
        type: String, eventID: String?, sender: String, originServerTS: Int64? = nil, stateKey: String? = nil,
        content: MatrixJSON = [:], redacts: String? = nil, unsigned: MatrixJSON? = nil
    ) {
        self.type = type
        self.eventID = eventID
        self.sender = sender
        self.originServerTS = originServerTS
        self.stateKey = stateKey
        self.content = content
        self.redacts = redacts
        self.unsigned = unsigned
    }

    enum CodingKeys: String, CodingKey {
        case type, sender, content, redacts, unsigned
        case eventID = "event_id"
        case originServerTS = "origin_server_ts"
        case stateKey = "state_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        sender = try c.decode(String.self, forKey: .sender)
        eventID = try c.decodeIfPresent(String.self, forKey: .eventID)
        originServerTS = try? c.decodeIfPresent(Int64.self, forKey: .originServerTS)
        stateKey = try c.decodeIfPresent(String.self, forKey: .stateKey)
        content = (try? c.decodeIfPresent(MatrixJSON.self, forKey: .content)) ?? [:]
        redacts = try? c.decodeIfPresent(String.self, forKey: .redacts)
        unsigned = try? c.decodeIfPresent(MatrixJSON.self, forKey: .unsigned)
    }

    /// The target of a redaction, wherever the room version puts it.
    var redactedEventID: String? { content["redacts"]?.string ?? redacts }
}

/// A message sent to this device alone (`to_device` in `/sync`): room keys, key requests.
public struct ToDeviceEvent: Sendable, Hashable, Decodable {
    public var type: String
    public var sender: String
    public var content: MatrixJSON

    public init(type: String, sender: String, content: MatrixJSON) {
        self.type = type
        self.sender = sender
        self.content = content
    }
}

/// A global or per-room account data event (`m.direct`, …): no sender, no ID.
public struct AccountDataEvent: Sendable, Hashable, Decodable {
    public var type: String
    public var content: MatrixJSON
}

/// A JSON array whose elements that fail to decode are counted and skipped, so one malformed
/// event never costs the whole `/sync` batch.
public struct LossyList<Element: Decodable & Sendable>: Sendable, Decodable {
    public var elements: [Element]
    /// Why the skipped elements failed, for the log.
    public var failures: [String]

    public init(_ elements: [Element] = []) {
        self.elements = elements
        failures = []
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        elements = []
        failures = []
        if let count = c.count { elements.reserveCapacity(count) }
        while !c.isAtEnd {
            do {
                elements.append(try c.decode(Element.self))
            } catch {
                failures.append("\(error)")
                // Steps over the bad element without reading it: decoding it as anything else (even as
                // JSON) may fail again and leave the container where it was, looping for ever.
                _ = try c.decode(SkippedElement.self)
            }
        }
    }

    /// Any element, left unread.
    private struct SkippedElement: Decodable {
        init(from decoder: any Decoder) {}
    }
}

extension LossyList: Equatable where Element: Equatable {}
extension LossyList: Hashable where Element: Hashable {}
