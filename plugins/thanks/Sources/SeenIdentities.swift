import RapportCore
import Synchronization

/// Who holds each nick, per network, as far as the events show: the verified identity each nick
/// last spoke with, so that a help event (which names nicks) can carry both people's identities
/// into the ledger; and, the other way, the address an identity was last seen at, so that a
/// digest goes to that identity and never to whoever took its nick since.
///
/// A nick seen without an identity loses the one it had (someone else may be using it), and so
/// does a nick whose holder quit or changed nick. A lock, not an actor: it is asked for every
/// message.
final class SeenIdentities: Sendable {
    private struct Key: Hashable {
        var network: String
        var nick: String
    }

    private struct Holder {
        var nick: Key
        var address: String
    }

    private struct Tables {
        var byNick: [Key: Identity] = [:]
        var byIdentity: [Identity: Holder] = [:]
    }

    private let tables = Mutex(Tables())
    /// Bounds the memory on a busy network; forgetting only means fewer rows carry identities
    /// and digests wait until their subscriber speaks again.
    private let capacity = 100_000

    /// Notes who holds a nick after `event`: its sender, or nobody once they quit or changed nick.
    func note(_ event: ChatEvent, casemapping: Casemapping) {
        guard !event.isHistory else { return }
        let network = event.network
        switch event.kind {
        case .quit:
            release(Key(network: network, nick: casemapping.fold(event.sender.nick)))
        case .nickChange(let newNick):
            release(Key(network: network, nick: casemapping.fold(event.sender.nick)))
            var renamed = event.sender
            renamed.nick = newNick
            // On IRC the address is the nick.
            if renamed.address == event.sender.nick { renamed.address = newNick }
            saw(renamed, network: network, folded: casemapping.fold(newNick))
        default:
            saw(event.sender, network: network, folded: casemapping.fold(event.sender.nick))
        }
    }

    /// Notes who `user` is right now; `nick` is folded by the caller.
    func saw(_ user: ChatUser, network: String, folded nick: String) {
        let key = Key(network: network, nick: nick)
        tables.withLock { tables in
            if tables.byNick.count >= capacity || tables.byIdentity.count >= capacity { tables = Tables() }
            tables.byNick[key] = user.identity
            if let identity = user.identity { tables.byIdentity[identity] = Holder(nick: key, address: user.address) }
        }
    }

    private func release(_ key: Key) {
        tables.withLock { _ = $0.byNick.removeValue(forKey: key) }
    }

    func identity(network: String, folded nick: String) -> Identity? {
        tables.withLock { $0.byNick[Key(network: network, nick: nick)] }
    }

    /// Where `identity` can be reached on `network` now: the address it was last seen at, as long
    /// as the nick it used then is still held by it; `nil` when not seen since the bot started.
    func address(of identity: Identity, on network: String) -> String? {
        tables.withLock { tables in
            guard let holder = tables.byIdentity[identity], holder.nick.network == network,
                tables.byNick[holder.nick] == identity
            else { return nil }
            return holder.address
        }
    }
}
