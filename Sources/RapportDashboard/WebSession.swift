import DashboardPlugin
import RapportCore

/// A signed-in browser, checked on this request: who it is, the role they hold right now, and
/// the token its forms must post back.
struct WebSession: Sendable {
    /// The session id from the cookie.
    let id: String
    let grant: DashboardAccess.Grant
    /// Owner or admin from the runtime now; else operator of the grant's channel.
    let role: Role
    /// What every form of this session posts as `csrf`.
    let formToken: String

    /// The person acting through this session, for ``Administration``'s checks and audit log.
    /// An operator acts in their channel; an admin on `network` (the place chosen on the page).
    func actor(network: String?) -> AdminActor {
        let user = ChatUser(nick: grant.identity.rawValue, identity: grant.identity)
        if role < .admin, let place = grant.channel {
            return AdminActor(user: user, role: role, network: place.network, channel: place.channel, origin: .web)
        }
        return AdminActor(user: user, role: role, network: network ?? "", channel: nil, origin: .web)
    }

    /// The one channel an operator's session may act in; `nil` for admins.
    var operatorChannel: (network: String, channel: String)? { role < .admin ? grant.channel : nil }
}
