import Foundation
public import RapportCore

/// Turns the events of many channels into ``HelpEvent``s: answers to questions, and thanks with
/// the person they credit.
///
/// One ``ReplyLinker`` per channel links each message to what it responds to; a
/// ``QuestionDetector`` and a ``ThanksDetector`` read the text; a ``CreditResolver`` names who
/// gets the credit. Per-pair daily caps keep two friends from farming credit off each other.
///
/// ```swift
/// var engine = ReciprocityEngine()
/// for event in events { ledger.record(engine.process(event)) }
/// ```
public struct ReciprocityEngine: Sendable {
    /// Tunables, with defaults that suit a busy help channel.
    public struct Configuration: Sendable {
        public var casemapping: Casemapping
        /// How many earlier messages the linker considers.
        public var windowSize: Int
        /// At most this many events of one kind from one person to another per day, in one
        /// channel (`Int.max`: no cap, as when the ledger enforces one).
        public var dailyCapPerPair: Int
        /// Reactions that credit the author of the message reacted to.
        public var creditReactions: Set<String>
        /// Nicks (folded) known to be bots, besides those the network marks.
        public var botNicks: Set<String>
        /// How long after an answer its author still counts as the thanker's recent helper.
        public var recentHelperSeconds: Double

        public init(
            casemapping: Casemapping = .rfc1459, windowSize: Int = ReplyLinker.defaultWindowSize, dailyCapPerPair: Int = 3,
            creditReactions: Set<String> = ["🙏", "👍", "❤️", "❤", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "🙏🏻", "🙏🏼", "🙏🏽", "🙏🏾", "🙏🏿"],
            botNicks: Set<String> = [], recentHelperSeconds: Double = 1800
        ) {
            self.casemapping = casemapping
            self.windowSize = windowSize
            self.dailyCapPerPair = dailyCapPerPair
            self.creditReactions = creditReactions
            self.botNicks = Set(botNicks.map { casemapping.fold($0) })
            self.recentHelperSeconds = recentHelperSeconds
        }
    }

    /// What the engine made of one observation (for replay output and tests).
    public struct Outcome: Sendable {
        public var decision: ReplyLinker.Decision?
        public var events: [HelpEvent]
    }

    public var configuration: Configuration { processor.configuration }
    let processor: ChannelProcessor
    var channels: [ChannelKey: ChannelState] = [:]
    /// The channel of the latest observation, kept out of ``channels``: consecutive events of one
    /// channel (a replay, a busy channel) cost no hashing, and its state is changed in place.
    var current: (key: ChannelKey, state: ChannelState)?

    public init(configuration: Configuration = Configuration()) {
        processor = ChannelProcessor(configuration: configuration)
    }

    /// Processes one live event; returns the help events it produced.
    public mutating func process(_ event: ChatEvent) -> [HelpEvent] {
        guard let observation = Observation(event) else { return [] }
        return observe(observation).events
    }

    /// Processes one observation.
    public mutating func observe(_ observation: Observation) -> Outcome {
        observe(observation, dump: nil)
    }

    mutating func observe(
        _ o: Observation, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?
    ) -> Outcome {
        if current?.key.channel != o.channel || current?.key.network != o.network {
            switchChannel(to: ChannelKey(network: o.network, channel: o.channel))
        }
        // `switchChannel` has set it.
        return processor.observe(o, in: &current!.state, dump: dump)
    }
}

extension ReciprocityEngine {
    /// Makes `key` the current channel: the current one's state goes back to ``channels``, and
    /// the new one's comes out (new if it has none). States are moved, never copied.
    mutating func switchChannel(to key: ChannelKey) {
        if let (oldKey, oldState) = current.take() { channels[oldKey] = oldState }
        current = (key, channels.removeValue(forKey: key) ?? ChannelState(configuration: configuration))
    }

    /// How many channels the engine keeps state for.
    public var channelCount: Int { channels.count + (current == nil ? 0 : 1) }

    /// Drops everything remembered about a channel (the bot left it; a replayed file ended).
    public mutating func forget(channel: String, network: String) {
        let key = ChannelKey(network: network, channel: channel)
        if current?.key == key { current = nil }
        channels.removeValue(forKey: key)
    }
}
