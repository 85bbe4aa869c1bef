/// Any JSON value: the `content` of a Matrix event, whose shape depends on its type. (Separate
/// from RapportCore's `JSONValue` for its defensive accessors and literal syntax.)
///
/// Event content comes from other users' clients, so it is read defensively through the
/// optional accessors (``subscript(_:)``, ``string``, …) instead of strict `Codable` models.
public enum MatrixJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([MatrixJSON])
    case object([String: MatrixJSON])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Most common first: strings and objects make up nearly all event content.
        if c.decodeNil() {
            self = .null
        } else if let value = try? c.decode(String.self) {
            self = .string(value)
        } else if let value = try? c.decode([String: MatrixJSON].self) {
            self = .object(value)
        } else if let value = try? c.decode(Double.self) {
            self = .number(value)
        } else if let value = try? c.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .array(try c.decode([MatrixJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let value): try c.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 { try c.encode(Int64(value)) } else { try c.encode(value) }
        case .string(let value): try c.encode(value)
        case .array(let value): try c.encode(value)
        case .object(let value): try c.encode(value)
        }
    }

    /// The member `key` of an object, or `nil`.
    public subscript(_ key: String) -> MatrixJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// A number that is a whole value (power levels, timestamps); also accepts numeric strings,
    /// which old rooms have in their power levels.
    public var int: Int? {
        switch self {
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: Int(value)
        case .string(let text): Int(text)
        default: nil
        }
    }

    public var array: [MatrixJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var object: [String: MatrixJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension MatrixJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(arrayLiteral elements: MatrixJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, MatrixJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
