import Foundation
import Logging
import RapportCore

extension ExternalPluginSupervisor {
    /// Longest text a plugin may send in one action.
    static let maximumText = 4000
    static let maximumKey = 200
    static let maximumListed = 1000

    /// Carries out one line from a running plugin.
    func perform(_ message: PluginMessage, generation gen: Int) async {
        switch message {
        case .manifest:
            await refuseLine(gen, "the manifest was already received.")
        case .done(let request, let error):
            guard let waiting = pending.removeValue(forKey: request) else {
                await refuseLine(gen, "done for request \(request), which is not waiting.")
                return
            }
            waiting.timer.cancel()
            if let error {
                waiting.continuation.resume(throwing: PluginRefusal(reply: String(error.prefix(Self.maximumText))))
            } else {
                waiting.continuation.resume()
            }
        case .reply(let id, let to, let text, let privately):
            await act(id, gen) { context in
                guard let event = self.pending[to]?.event else {
                    throw ActionError("bad_request", "request \(to) is not waiting for an answer (reply before done).")
                }
                let text = try Self.checked(text)
                if privately {
                    try await context.send(
                        OutgoingMessage(to: .user(address: event.sender.address), text: text, style: .reply), on: event.network)
                } else {
                    try await context.reply(to: event, text)
                }
                return .null
            }
        case .send(let id, let network, let target, let text, let style):
            await act(id, gen) { context in
                try await context.send(OutgoingMessage(to: target, text: try Self.checked(text), style: style), on: network)
                return .null
            }
        case .react(let id, _, _):
            await act(id, gen) { _ in throw ActionError("unsupported", "reactions are not supported by this bot yet.") }
        case .storeGet(let id, let key):
            await act(id, gen) { context in try await context.store.get(JSONValue.self, try Self.checked(key: key)) ?? .null }
        case .storeSet(let id, let key, let value):
            await act(id, gen) { context in
                let key = try Self.checked(key: key)
                if value != .null { try await self.checkQuota(storing: value, at: key, in: context.store) }
                try await context.store.set(value == .null ? nil : value, key)
                return .null
            }
        case .storeList(let id, let prefix):
            await act(id, gen) { context in
                let entries = try await context.store.all(JSONValue.self, prefix: prefix).prefix(Self.maximumListed)
                return .array(entries.map { .object(["key": .string($0.key), "value": $0.value]) })
            }
        case .settingsGet(let id, let network, let channel):
            await act(id, gen) { context in
                let settings = await context.settings(network: network, channel: channel)
                return .object(settings.values.mapValues(JSONValue.init))
            }
        case .schedule(let id, let name, let every):
            await act(id, gen) { context in
                guard !name.isEmpty, name.count <= 64 else { throw ActionError("bad_request", "a job name is 1 to 64 characters.") }
                guard every >= 1, every <= 7 * 86400 else {
                    throw ActionError("bad_request", "every must be between 1 second and 1 week.")
                }
                if !self.scheduled.contains(name), self.scheduled.count >= self.configuration.jobLimit {
                    throw ActionError("quota", "a plugin may schedule at most \(self.configuration.jobLimit) jobs (max_jobs).")
                }
                if self.scheduled.insert(name).inserted {
                    await context.schedule(every: .seconds(every), name: name) { [weak self] in try await self?.runJob(name) }
                }
                return .null
            }
        case .log(let level, let text):
            logger.log(
                level: Logger.Level(rawValue: level) ?? .info, "plugin says",
                metadata: ["message": "\(String(text.prefix(Self.maximumText)))"])
        }
    }

    /// Runs an action and answers it: `result` when it has an id, `error` whenever it fails.
    private func act(_ id: RequestID?, _ gen: Int, _ body: (PluginContext) async throws -> JSONValue) async {
        guard let context else {
            write(.error(id: id, code: "unavailable", message: "the bot is not ready yet."), generation: gen)
            return
        }
        do {
            let value = try await body(context)
            if let id { write(.result(id: id, value: value), generation: gen) }
        } catch let error as ActionError {
            write(.error(id: id, code: error.code, message: error.message), generation: gen)
        } catch let error as CommandError {
            write(.error(id: id, code: Self.code(error.code), message: error.reply), generation: gen)
        } catch {
            logger.error("plugin action failed", metadata: ["error": "\(error)"])
            write(.error(id: id, code: "internal", message: "the bot could not do that."), generation: gen)
        }
    }

    /// Refuses a `store_set` that would take the plugin past `max_store_keys` keys or
    /// `max_store_bytes` bytes (keys plus JSON values) in its namespace.
    private func checkQuota(storing value: JSONValue, at key: String, in store: PluginStore) async throws {
        // Counted as the store counts (SQL LENGTH): characters of the key and of the JSON text.
        let size = key.unicodeScalars.count + String(decoding: try JSONEncoder().encode(value), as: UTF8.self).unicodeScalars.count
        let others = try await store.database.query(
            """
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(LENGTH(key) + LENGTH(value)), 0) AS BIGINT) AS size
            FROM rapport_kv WHERE namespace = ? AND key <> ?
            """,
            [.text(store.namespace), .text(key)]
        ).first
        let keys = others?["n"].int ?? 0
        let bytes = others?["size"].int ?? 0
        if keys + 1 > configuration.storeKeyLimit {
            throw ActionError("quota", "the plugin's store is full: at most \(configuration.storeKeyLimit) keys (max_store_keys).")
        }
        if bytes + size > configuration.storeByteLimit {
            throw ActionError("quota", "the plugin's store is full: at most \(configuration.storeByteLimit) bytes (max_store_bytes).")
        }
    }

    private static func checked(_ text: String) throws -> String {
        guard !text.isEmpty else { throw ActionError("bad_request", "the text is empty.") }
        guard text.count <= maximumText else { throw ActionError("bad_request", "the text is longer than \(maximumText) characters.") }
        return text
    }

    private static func checked(key: String) throws -> String {
        guard !key.isEmpty, key.count <= maximumKey else { throw ActionError("bad_request", "a key is 1 to \(maximumKey) characters.") }
        return key
    }

    private static func code(_ code: CommandError.Code) -> String {
        switch code {
        case .rateLimited: "rate_limited"
        case .notFound: "not_found"
        case .unavailable: "unavailable"
        case .notPermitted: "not_permitted"
        default: "bad_request"
        }
    }
}

/// An action the bot refuses, with the `code` and `message` of the `error` line.
struct ActionError: Error {
    var code: String
    var message: String
    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// A command the plugin refused (`done` with `error`): its text goes to the person.
struct PluginRefusal: UserFacingError {
    var reply: String
}

extension JSONValue {
    init(_ value: SettingValue) {
        switch value {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .number(Double(i))
        case .string(let s): self = .string(s)
        case .list(let l): self = .array(l.map(JSONValue.string))
        }
    }
}
