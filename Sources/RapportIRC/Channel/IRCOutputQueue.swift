public import Foundation
import RapportCore

/// The outgoing lines of one network, with flood control.
///
/// Two lanes: protocol lines of the current connection (PONG, CAP, registration, JOIN) go
/// first and are never throttled, dropped or kept across a reconnect; chat lines wait for a token
/// from the bucket and for registration, and survive reconnects. The chat lane holds at most
/// `capacity` lines: past that the oldest are dropped (and counted).
public struct IRCOutputQueue: Sendable {
    /// What to do next.
    public enum Next: Sendable, Equatable {
        case send(IRCMessage)
        /// A chat line is ready but flood control wants this many seconds first.
        case wait(TimeInterval)
        case idle
    }

    private var bucket: TokenBucket
    private var priority: [IRCMessage] = []
    private var priorityHead = 0
    private var chat: [IRCMessage] = []
    private var chatHead = 0

    /// The most chat lines that may wait.
    public let capacity: Int

    public init(burst: Int, perSecond: Double, now: Date, capacity: Int = 512) {
        bucket = TokenBucket(capacity: Double(max(1, burst)), refillPerSecond: max(0.01, perSecond), now: now)
        self.capacity = max(1, capacity)
    }

    /// Chat lines waiting.
    public var pendingChat: Int { chat.count - chatHead }

    /// Queues a line; returns how many chat lines were dropped to make room (0 or 1).
    @discardableResult
    public mutating func enqueue(_ message: IRCMessage, priority isPriority: Bool) -> Int {
        if isPriority {
            priority.append(message)
            return 0
        }
        var dropped = 0
        if pendingChat >= capacity {
            chatHead += 1
            dropped = 1
        }
        chat.append(message)
        compactChat()
        return dropped
    }

    /// The next line to write, if any may go now.
    public mutating func next(now: Date, registered: Bool) -> Next {
        if priorityHead < priority.count {
            let message = priority[priorityHead]
            priorityHead += 1
            if priorityHead == priority.count { priority.removeAll(keepingCapacity: true); priorityHead = 0 }
            return .send(message)
        }
        guard registered, chatHead < chat.count else { return .idle }
        let wait = bucket.wait(now: now)
        guard wait <= 0, bucket.take(now: now) else { return .wait(max(wait, 0.001)) }
        let message = chat[chatHead]
        chatHead += 1
        compactChat()
        return .send(message)
    }

    /// Frees the slots of lines already sent or dropped.
    private mutating func compactChat() {
        if chatHead == chat.count {
            chat.removeAll(keepingCapacity: true)
            chatHead = 0
        } else if chatHead > 1024, chatHead * 2 > chat.count {
            chat.removeFirst(chatHead)
            chatHead = 0
        }
    }

    /// Forgets the protocol lines of a connection that ended.
    public mutating func connectionEnded() {
        priority.removeAll()
        priorityHead = 0
    }
}
