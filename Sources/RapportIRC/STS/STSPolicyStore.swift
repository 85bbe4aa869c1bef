import Foundation
import RapportCore

/// The IRCv3 STS policies the connector learnt, one per host, in the bot's store (namespace
/// `irc.sts`, key: the host name in lower case, value: `{"port": 6697, "expires": <Unix time>}`),
/// so a policy outlives restarts. `port` is the TLS port the policy was seen on.
struct STSPolicyStore: Sendable {
    /// A policy in force: connect to `host` only with TLS on `port` until `expires`.
    struct Entry: Sendable, Codable, Equatable {
        var port: Int
        var expires: Date
    }

    static let namespace = "irc.sts"
    let store: any Store

    /// The policy for `host`, if one is stored and has not expired (an expired one is removed).
    func policy(for host: String, now: Date) async throws -> Entry? {
        let key = host.lowercased()
        guard let text = try await store.value(forKey: key, in: Self.namespace) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let entry = try? decoder.decode(Entry.self, from: Data(text.utf8)), entry.expires > now else {
            try await store.setValue(nil, forKey: key, in: Self.namespace)
            return nil
        }
        return entry
    }

    /// Stores `entry` for `host`, or removes the host's policy when `entry` is nil (`duration=0`).
    func keep(_ entry: Entry?, for host: String) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let text = try entry.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await store.setValue(text, forKey: host.lowercased(), in: Self.namespace)
    }
}
