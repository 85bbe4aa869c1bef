/// Which audit log entries to show: those naming a person, a plugin or a channel (every given
/// part must match, case-insensitively; empty parts match everything).
public struct AuditFilter: Sendable, Hashable {
    /// Text found in the entry's actor or detail (an identity such as `irc:libera:alice`).
    public var person: String
    /// A plugin id: the entry is about it (`thanks`, `thanks.cap`) or was reported by it.
    public var plugin: String
    /// A channel named in the entry's detail.
    public var channel: String

    /// How many of the newest entries a filtered read looks through at most.
    static let scanned = 5000

    public init(person: String = "", plugin: String = "", channel: String = "") {
        self.person = person.lowercased()
        self.plugin = plugin.lowercased()
        self.channel = channel.lowercased()
    }

    var isEmpty: Bool { person.isEmpty && plugin.isEmpty && channel.isEmpty }

    func matches(_ entry: Administration.AuditEntry) -> Bool {
        let actor = entry.actor.lowercased()
        let detail = entry.detail.lowercased()
        let words = detail.split(separator: " ")
        if !person.isEmpty, !actor.contains(person), !detail.contains(person) { return false }
        if !plugin.isEmpty, actor != "plugin:\(plugin)",
            !(words.first.map { $0 == plugin || $0.hasPrefix(plugin + ".") } ?? false)
        {
            return false
        }
        if !channel.isEmpty, !words.contains(where: { $0 == channel }) { return false }
        return true
    }
}
