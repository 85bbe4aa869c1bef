public import RapportCore

/// Which ledger rows are one person's.
///
/// Two kinds of match:
/// - ``init(network:nick:identities:)`` looks someone up by name (`!helped NICK`): their folded
///   nick on a network and, once they joined identities with `!link`, every row that carries one
///   of those identities, on any network. Public counts only.
/// - ``own(_:linked:)`` selects a person's own rows, for reading, exporting and erasing their
///   data: by verified identity only, or, for someone without one, the rows recorded for their
///   nick on that network while no identity was known (never a row another identity recorded).
///
/// One `OR` in one `WHERE`, so a row that matches both ways still counts once.
public struct PersonMatch: Sendable {
    public var network: String
    /// The folded nick, or `nil` to match by identity alone.
    public var nick: String?
    /// Every identity linked to the person (their own included); empty when they linked none.
    public var identities: [Identity]
    /// Whether the nick matches only rows recorded without an identity.
    var unverifiedRowsOnly = false

    public init(network: String, nick: String, identities: [Identity] = []) {
        self.network = network
        self.nick = nick
        self.identities = identities
    }

    /// The rows that are `person`'s own: those of their verified identity (and of `linked`), or,
    /// without one, those recorded for their nick on their network without any identity.
    public static func own(_ person: Person, linked: [Identity] = []) -> PersonMatch {
        guard let identity = person.identity else {
            var match = PersonMatch(network: person.network, nick: person.nick)
            match.unverifiedRowsOnly = true
            return match
        }
        var match = PersonMatch(network: person.network, nick: person.nick, identities: linked.contains(identity) ? linked : [identity] + linked)
        match.nick = nil
        return match
    }

    /// The condition on `side` (`giver` or `receiver` of `thanks_event`, `asker` of
    /// `thanks_question`); binds ``values``.
    func condition(_ side: String) -> String {
        var terms: [String] = []
        if nick != nil {
            terms.append(unverifiedRowsOnly ? "(network = ? AND \(side) = ? AND \(side)_identity IS NULL)" : "(network = ? AND \(side) = ?)")
        }
        if !identities.isEmpty {
            terms.append("\(side)_identity IN (\(identities.map { _ in "?" }.joined(separator: ", ")))")
        }
        return "(\(terms.joined(separator: " OR ")))"
    }

    var values: [SQLValue] { (nick.map { [.text(network), .text($0)] } ?? []) + identities.map { .text($0.rawValue) } }
}
