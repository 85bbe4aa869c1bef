import Foundation

/// A plugin's own corner of the store: a key-value map and its own tables.
///
/// Keys live in the namespace of the plugin id. Tables are the plugin's to create through
/// ``migrate(_:)``; by convention their names start with the plugin id (`thanks_credits`).
public struct PluginStore: Sendable {
    /// The namespace: the plugin id.
    public let namespace: String
    /// The shared store, for the plugin's own SQL.
    public let database: any Store

    public init(namespace: String, database: any Store) {
        self.namespace = namespace
        self.database = database
    }

    /// Applies the plugin's migrations that have not been applied yet.
    public func migrate(_ migrations: [Migration]) async throws {
        try await database.migrate(namespace, migrations)
    }

    /// Reads a JSON-encoded value.
    public func get<Value: Decodable>(_ type: Value.Type, _ key: String) async throws -> Value? {
        guard let text = try await database.value(forKey: key, in: namespace) else { return nil }
        return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    /// Stores a value as JSON, or removes the key when `value` is `nil`.
    public func set<Value: Encodable>(_ value: Value?, _ key: String) async throws {
        let text = try value.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await database.setValue(text, forKey: key, in: namespace)
    }

    /// All JSON-encoded values whose key starts with `prefix`, sorted by key.
    public func all<Value: Decodable>(_ type: Value.Type, prefix: String) async throws -> [(key: String, value: Value)] {
        try await database.entries(in: namespace, keyPrefix: prefix).map {
            ($0.key, try JSONDecoder().decode(Value.self, from: Data($0.value.utf8)))
        }
    }
}
