public import Foundation
public import RapportCore

/// One act of help the engine saw: an answer to a question, or a thanks.
public struct HelpEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// ``HelpEvent/to`` answered a question of ``HelpEvent/from``.
        case answered
        /// ``HelpEvent/from`` thanked ``HelpEvent/to``.
        case thanked
    }

    /// How the engine knows.
    public enum Detection: String, Sendable, Hashable, Codable {
        /// An explicit reply relation (Matrix `m.in_reply_to`, IRCv3 `+draft/reply`).
        case explicitReply
        /// The reply linker's decision.
        case linked
        /// A thanks phrase naming the helper.
        case named
        /// A thanks phrase, credited to the author of the message it replies to.
        case reply
        /// A thanks phrase, credited to whoever last helped the thanker.
        case recentHelper
        /// `nick++`.
        case plusPlus
        /// A reaction (🙏 👍 ❤️) on the helper's message.
        case reaction
        /// An explicit `!thanks` command.
        case command
    }

    public var kind: Kind
    /// The one who asked (answered) or thanked (thanked).
    public var from: String
    /// The one who answered (answered) or is credited (thanked).
    public var to: String
    public var detection: Detection
    public var network: String
    public var channel: String
    public var time: Date
    /// The answer, the thanks or the reaction.
    public var messageID: MessageID?
    /// The question answered, or the message the credit is for.
    public var relatedMessageID: MessageID?
    /// The engine's sequence number of the message (the line number in a replay).
    public var sequence: Int
    /// The sequence number of the related message, if known.
    public var relatedSequence: Int?

    public init(
        kind: Kind, from: String, to: String, detection: Detection, network: String, channel: String, time: Date,
        messageID: MessageID? = nil, relatedMessageID: MessageID? = nil, sequence: Int = 0, relatedSequence: Int? = nil
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.detection = detection
        self.network = network
        self.channel = channel
        self.time = time
        self.messageID = messageID
        self.relatedMessageID = relatedMessageID
        self.sequence = sequence
        self.relatedSequence = relatedSequence
    }
}
