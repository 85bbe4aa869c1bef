/// An error whose text is safe and useful to show to the person who issued a command.
public protocol UserFacingError: Error {
    /// One short sentence for chat, e.g. "You need to be a bot admin for that."
    var reply: String { get }
}
