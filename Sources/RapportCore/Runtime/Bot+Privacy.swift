import Foundation
import Logging

extension Bot {
    /// The person behind an event's sender.
    nonisolated func person(_ user: ChatUser, on network: String) -> Person {
        Person(network: network, nick: casemapping(of: network).fold(user.nick), identity: user.identity)
    }

    /// Whether events from `user` may be recorded (they did not say `!track off`).
    func isTracked(_ user: ChatUser, on network: String) -> Bool {
        if state.untracked.isEmpty { return true }
        return !state.untracked.contains(person(user, on: network).key)
    }

    func setTracked(_ person: Person, _ tracked: Bool) async throws {
        try await RuntimeState.save(tracked ? nil : true, "untracked/\(person.key)", in: store)
        if tracked { state.untracked.remove(person.key) } else { state.untracked.insert(person.key) }
    }

    /// Everything stored about `person`, by plugin.
    func personalData(about person: Person) async -> JSONValue {
        var plugins: [String: JSONValue] = [:]
        for (id, runner) in runners.sorted(by: { $0.key < $1.key }) {
            guard let holder = runner.plugin as? any PersonalDataPlugin else { continue }
            do {
                plugins[id] = try await holder.personalData(about: person, context: runner.context)
            } catch {
                plugins[id] = .object(["error": .string("could not be read")])
                logger.error("personal data export failed", metadata: ["plugin": "\(id)", "error": "\(error)"])
            }
        }
        var runtime: [String: JSONValue] = ["tracked": .bool(!state.untracked.contains(person.key))]
        if let identity = person.identity, let grant = state.admins[identity] {
            runtime["admin"] = .object(["granted_by": .string(grant.grantedBy), "at": .string(grant.at.formatted(.iso8601))])
        }
        if let identity = person.identity {
            let audit = (try? await store.query("SELECT at, action, detail FROM rapport_audit WHERE actor = ?", [.text(identity.rawValue)])) ?? []
            runtime["audit_log"] = JSONValue(rows: audit)
        }
        return .object([
            "network": .string(person.network), "nick": .string(person.nick),
            "identity": person.identity.map { .string($0.rawValue) } ?? .null,
            "runtime": .object(runtime), "plugins": .object(plugins),
        ])
    }

    /// Erases `person` from every plugin and from the audit log's actor column.
    func forget(_ person: Person) async throws {
        for (id, runner) in runners {
            guard let holder = runner.plugin as? any PersonalDataPlugin else { continue }
            do {
                try await holder.forget(person, context: runner.context)
            } catch {
                logger.error("forgetting failed in a plugin", metadata: ["plugin": "\(id)", "error": "\(error)"])
                throw error
            }
        }
        // The audit log names a verified person by identity only; a nick names whoever had it.
        let actor = person.identity?.rawValue ?? "nick:\(person.nick)"
        try await store.execute("UPDATE rapport_audit SET actor = 'forgotten' WHERE actor = ?", [.text(actor)])
        logger.notice("a person's data was erased on request")
    }

    /// Erases `person` on an admin's word (a request made by other means), and audits it.
    func forget(_ person: Person, by actor: AdminActor) async throws {
        try await forget(person)
        try await audit(actor, "person.forget", person.identity?.rawValue ?? "\(person.nick)@\(person.network)")
    }

    /// Deletes message text older than `age` in every plugin that keeps some.
    func deleteText(olderThan age: Duration) async {
        let cutoff = time.now.addingTimeInterval(-age.timeInterval)
        for (id, runner) in runners {
            guard let holder = runner.plugin as? any PersonalDataPlugin else { continue }
            do {
                try await holder.deleteText(olderThan: cutoff, context: runner.context)
            } catch {
                logger.error("retention failed in a plugin", metadata: ["plugin": "\(id)", "error": "\(error)"])
            }
        }
    }
}
