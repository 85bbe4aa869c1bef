import Foundation
import NIOCore
import PostgresNIO
import RapportCore

/// A bound value sent as text with no declared type, so the server infers the type from where
/// the placeholder stands, exactly as for a quoted literal.
///
/// This keeps Rapport's portable SQL portable: an integer bound to `substr(x, 1, ?)`, a number
/// compared with a `TEXT` column, or text inserted into an `INTEGER` column behave as in SQLite
/// instead of failing on PostgreSQL's strict operator resolution.
struct UntypedText: PostgresDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType { .null }  // OID 0: "unspecified"
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

extension SQLValue {
    /// The literal text PostgreSQL parses for this value, or `nil` for `NULL`.
    var postgresText: String? {
        switch self {
        case .null: nil
        case .integer(let i): String(i)
        case .real(let d):
            if d.isNaN { "NaN" } else if d.isInfinite { d < 0 ? "-Infinity" : "Infinity" } else { "\(d)" }
        case .text(let s): s
        }
    }

    /// Reads a result cell: integers, floating point, numeric, booleans (as 0/1) and text; any
    /// other type comes back as its text form.
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8:
            self = .integer(try cell.decode(Int64.self))
        case .float4, .float8:
            self = .real(try cell.decode(Double.self))
        case .bool:
            self = .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .numeric:
            // SUM(bigint) and AVG(…) are numeric: whole numbers stay integers, like SQLite.
            let decimal = try cell.decode(Decimal.self)
            if let integer = Int64(exactly: NSDecimalNumber(decimal: decimal).doubleValue),
                Decimal(integer) == decimal
            {
                self = .integer(integer)
            } else {
                self = .real(NSDecimalNumber(decimal: decimal).doubleValue)
            }
        default:
            self = .text(try cell.decode(String.self))
        }
    }
}

extension PostgresBindings {
    init(_ values: [SQLValue]) {
        self.init(capacity: values.count)
        for value in values {
            if let text = value.postgresText { append(UntypedText(text: text)) } else { appendNull() }
        }
    }
}
