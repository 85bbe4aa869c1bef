/// A JSON value, for data that crosses a boundary as JSON: personal-data exports, the
/// out-of-process plugin protocol.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONValue {
    /// A value from a SQL column.
    public init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .integer(let i): self = .number(Double(i))
        case .real(let d): self = .number(d)
        case .text(let s): self = .string(s)
        }
    }

    /// Rows as a list of objects.
    public init(rows: [SQLRow]) {
        self = .array(rows.map { row in .object(row.columns.mapValues(JSONValue.init)) })
    }
}
