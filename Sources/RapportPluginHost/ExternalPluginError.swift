public import RapportCore

/// Why an external plugin could not start or answer.
///
/// ``description`` is for the log; ``reply`` is safe to show in chat.
public struct ExternalPluginError: UserFacingError, CustomStringConvertible {
    public var description: String
    public var reply: String

    init(_ description: String, reply: String? = nil) {
        self.description = description
        self.reply = reply ?? "That plugin is not available right now."
    }
}
