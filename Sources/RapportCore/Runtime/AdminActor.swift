/// Someone changing the bot: who they are, the role they hold where they act, and whether they
/// act from chat or from the web dashboard.
///
/// ``Administration`` checks every change against an actor, so a chat command and a dashboard
/// form go through the same check and are audited alike.
public struct AdminActor: Sendable, Hashable {
    /// Where a change was made, recorded in the audit log.
    public enum Origin: String, Sendable, Hashable {
        case chat, web
    }

    /// The person; their ``ChatUser/identity`` is what roles and the audit log go by.
    public var user: ChatUser
    /// Their role: for ``Role/channelOperator``, in ``channel`` of ``network`` only.
    public var role: Role
    /// The network they act on.
    public var network: String
    /// The channel they act in: the only one an operator may change.
    public var channel: String?
    public var origin: Origin

    public init(user: ChatUser, role: Role, network: String, channel: String?, origin: Origin) {
        self.user = user
        self.role = role
        self.network = network
        self.channel = channel
        self.origin = origin
    }

    /// The person who typed `command`, with their role where they typed it.
    public init(_ command: CommandInvocation) {
        self.init(user: command.sender, role: command.role, network: command.network, channel: command.channel, origin: .chat)
    }

    /// Operators change their own channel; admins and owners any scope.
    ///
    /// - Throws: ``CommandError`` with code `notPermitted`, saying who may.
    public func checkCanChange(_ scope: Scope) throws {
        if role >= .admin { return }
        if case .channel(let network, let target) = scope, role >= .channelOperator, network == self.network,
            let here = channel, here.lowercased() == target.lowercased()
        {
            return
        }
        if role >= .channelOperator, let here = channel {
            throw CommandError(.notPermitted, "Operators can change their own channel: add \(here) at the end. Changing it everywhere needs a bot admin.")
        }
        throw CommandError.notPermitted(.admin)
    }

    /// - Throws: ``CommandError`` with code `notPermitted` unless the actor holds at least `needed`.
    public func checkRole(_ needed: Role) throws {
        guard role >= needed else { throw CommandError.notPermitted(needed) }
    }
}
