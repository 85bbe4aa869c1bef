/// A value bound to, or read from, a SQL statement.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The value as text, or `nil` for anything else.
    public var string: String? { if case .text(let s) = self { s } else { nil } }
    /// The value as an integer, or `nil` for anything else.
    public var int: Int? {
        switch self {
        case .integer(let i): Int(i)
        case .real(let d): Int(exactly: d)
        default: nil
        }
    }
    /// The value as a floating-point number, or `nil` for anything else.
    public var double: Double? {
        switch self {
        case .real(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// `text` or `NULL`.
    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    /// An integer.
    public init(_ int: Int) { self = .integer(Int64(int)) }
}

/// One row of a query result, with its columns by name (lower case).
public struct SQLRow: Sendable, Hashable {
    public var columns: [String: SQLValue]
    public init(_ columns: [String: SQLValue]) { self.columns = columns }
    public subscript(_ name: String) -> SQLValue { columns[name.lowercased()] ?? .null }
}
