public import RapportCore

/// Which ledger rows are one person's: their folded nick on a network and, once they joined
/// identities with `!link`, every row that carries one of those identities, on any network.
///
/// One `OR` in one `WHERE`, so a row that matches both ways still counts once.
public struct PersonMatch: Sendable {
    public var network: String
    /// The folded nick.
    public var nick: String
    /// Every identity linked to the person (their own included); empty when they linked none.
    public var identities: [Identity]

    public init(network: String, nick: String, identities: [Identity] = []) {
        self.network = network
        self.nick = nick
        self.identities = identities
    }

    /// The condition on `side` (`giver` or `receiver`) of `thanks_event`; binds ``values``.
    func condition(_ side: String) -> String {
        let byNick = "(network = ? AND \(side) = ?)"
        guard !identities.isEmpty else { return byNick }
        let marks = identities.map { _ in "?" }.joined(separator: ", ")
        return "(\(byNick) OR \(side)_identity IN (\(marks)))"
    }

    var values: [SQLValue] { [.text(network), .text(nick)] + identities.map { .text($0.rawValue) } }
}
