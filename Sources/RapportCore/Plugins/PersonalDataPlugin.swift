public import Foundation

/// Someone whose data is asked for or erased: as seen on one network.
///
/// Personal data is bound to the verified ``identity`` (an IRC services account, a Matrix user
/// ID, a console name): a plugin reads, exports and erases the rows recorded for that identity,
/// never rows found by ``nick``, which anyone may use. Only a person without a verified identity
/// is their nick on ``network``, and then only rows recorded without any identity are theirs.
public struct Person: Sendable, Hashable {
    public var network: String
    /// Their nick, folded with the network's casemapping.
    public var nick: String
    /// Their verified identity, when known.
    public var identity: Identity?

    public init(network: String, nick: String, identity: Identity?) {
        self.network = network
        self.nick = nick
        self.identity = identity
    }

    /// The key plugins use for a person: the identity, or `network/nick` without one.
    public var key: String { identity?.rawValue ?? "\(network)/\(nick)" }
}

/// A plugin that keeps data about people, and so must be able to show it, erase it, and let
/// message text expire.
///
/// `!export me` gathers ``personalData(about:context:)`` from every such plugin; `!forget me`
/// calls ``forget(_:context:)`` on each; a daily job calls ``deleteText(olderThan:context:)`` with
/// the configured `retention.excerpts`.
public protocol PersonalDataPlugin: Plugin {
    /// Everything the plugin keeps about `person`: the rows bound to their ``Person/key``.
    func personalData(about person: Person, context: PluginContext) async throws -> JSONValue

    /// Erases `person`'s preferences and message text, and detaches their identity from rows
    /// that others' counts depend on, so that nothing points to them afterwards.
    func forget(_ person: Person, context: PluginContext) async throws

    /// Deletes every message text (excerpts) kept since before `date`.
    func deleteText(olderThan date: Date, context: PluginContext) async throws
}
