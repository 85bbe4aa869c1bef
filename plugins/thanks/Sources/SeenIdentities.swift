import RapportCore
import Synchronization

/// The verified identity each nick last spoke with, per network, so that a help event (which
/// names nicks) can carry both people's identities into the ledger.
///
/// A nick seen without an identity loses the one it had: someone else may be using it. A lock,
/// not an actor: it is asked for every message.
final class SeenIdentities: Sendable {
    private let identities = Mutex<[Key: Identity]>([:])
    /// Bounds the memory on a busy network; forgetting only means fewer rows carry identities.
    private let capacity = 100_000

    private struct Key: Hashable {
        var network: String
        var nick: String
    }

    /// Notes who `user` is right now; `nick` is folded by the caller.
    func saw(_ user: ChatUser, network: String, folded nick: String) {
        identities.withLock { identities in
            if identities.count >= capacity { identities.removeAll() }
            identities[Key(network: network, nick: nick)] = user.identity
        }
    }

    func identity(network: String, folded nick: String) -> Identity? {
        identities.withLock { $0[Key(network: network, nick: nick)] }
    }
}
