import Foundation

/// What admins changed at run time, mirrored in memory and kept in the store's `rapport`
/// namespace so that it survives restarts.
struct RuntimeState: Sendable {
    static let namespace = "rapport"

    /// A bot admin and who made them one.
    struct AdminGrant: Codable, Sendable, Hashable {
        var grantedBy: String
        var at: Date
    }

    var admins: [Identity: AdminGrant] = [:]
    /// Plugin switches by `plugin/scope-key`.
    var enabled: [String: Bool] = [:]
    /// Setting overrides by `plugin/key/scope-key`.
    var overrides: [String: SettingValue] = [:]
    /// Channels joined (`true`) or left (`false`) at run time, by `network/channel`.
    var channels: [String: Bool] = [:]
    /// Ignored masks and identities, with who added them.
    var ignores: [String: String] = [:]
    /// People (``Person/key``) who asked not to be recorded (`!track off`).
    var untracked: Set<String> = []

    static func enabledKey(_ plugin: String, _ scope: Scope) -> String { "enabled/\(plugin)/\(scope.key)" }
    static func overrideKey(_ plugin: String, _ key: String, _ scope: Scope) -> String {
        "setting/\(plugin)/\(key)/\(scope.key)"
    }

    /// Reads everything back from the store.
    static func load(from store: any Store) async throws -> RuntimeState {
        var state = RuntimeState()
        let decoder = JSONDecoder()
        for (key, value) in try await store.entries(in: namespace, keyPrefix: "") {
            let data = Data(value.utf8)
            let parts = key.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let rest = String(parts[1])
            switch parts[0] {
            case "admin":
                if let identity = Identity(rest), let grant = try? decoder.decode(AdminGrant.self, from: data) {
                    state.admins[identity] = grant
                }
            case "enabled": state.enabled[key] = try? decoder.decode(Bool.self, from: data)
            case "setting": state.overrides[key] = try? decoder.decode(SettingValue.self, from: data)
            case "channel": state.channels[rest] = try? decoder.decode(Bool.self, from: data)
            case "ignore": state.ignores[rest] = try? decoder.decode(String.self, from: data)
            case "untracked": state.untracked.insert(rest)
            default: continue
            }
        }
        return state
    }

    /// Writes one entry (or removes it when `value` is `nil`).
    static func save<Value: Encodable>(_ value: Value?, _ key: String, in store: any Store) async throws {
        let text = try value.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await store.setValue(text, forKey: key, in: namespace)
    }
}
