import Foundation
import RapportCore

/// What the connector keeps in the store, in namespace `matrix.<network>`:
///
/// | key                         | value                                   |
/// |-----------------------------|-----------------------------------------|
/// | `user_id`                   | the user the session below belongs to   |
/// | `access_token`, `device_id` | from a password login, reused on restart|
/// | `since`                     | the last processed `/sync` batch token  |
/// | `seen`                      | JSON array of recent event IDs (dedupe) |
/// | `encryption_notice/<room>`  | `1` once the room was told about E2EE   |
struct MatrixSessionStore: Sendable {
    let store: any Store
    let namespace: String

    init(store: any Store, network: String) {
        self.store = store
        self.namespace = "matrix.\(network)"
    }

    func get(_ key: String) async throws -> String? { try await store.value(forKey: key, in: namespace) }
    func set(_ key: String, _ value: String?) async throws { try await store.setValue(value, forKey: key, in: namespace) }

    func seen() async throws -> [String] {
        guard let text = try await get("seen") else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    func setSeen(_ ids: [String]) async throws {
        let data = try JSONEncoder().encode(ids)
        try await set("seen", String(decoding: data, as: UTF8.self))
    }

    func announcedEncryption() async throws -> Set<String> {
        let prefix = "encryption_notice/"
        return Set(try await store.entries(in: namespace, keyPrefix: prefix).map { String($0.key.dropFirst(prefix.count)) })
    }

    /// Drops everything tied to a session (after the configured user changed).
    func resetSession() async throws {
        for key in ["access_token", "device_id", "since", "seen"] { try await set(key, nil) }
    }
}
