/// A command someone typed, ready for a plugin: `!thanks bob "great answer"`.
public struct CommandInvocation: Sendable, Hashable {
    /// The command word, lower-cased and without prefix: `thanks`.
    public var name: String
    /// The words after the command, with quotes honoured: `["bob", "great answer"]`.
    public var arguments: [String]
    /// The text after the command word, as typed.
    public var argumentText: String
    /// The message that carried the command.
    public var event: ChatEvent
    /// The caller's role where the command was typed.
    public var role: Role

    public init(name: String, arguments: [String], argumentText: String, event: ChatEvent, role: Role) {
        self.name = name
        self.arguments = arguments
        self.argumentText = argumentText
        self.event = event
        self.role = role
    }

    /// Who typed the command.
    public var sender: ChatUser { event.sender }
    /// The network it was typed on.
    public var network: String { event.network }
    /// The channel it was typed in, or `nil` in a direct message.
    public var channel: String? { event.channel }
}
