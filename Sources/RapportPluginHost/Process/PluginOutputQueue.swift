import DequeModule
import Dispatch
import Synchronization

/// The lines a plugin wrote that the supervisor has not taken yet: at most ``capacity``.
///
/// The thread reading the plugin's standard output pushes; when the queue is full that thread
/// waits, so it stops reading the pipe, the pipe fills, and the plugin's own writes block. A
/// plugin writing as fast as it can therefore holds at most ``capacity`` lines (each at most
/// `maximum_line_length` bytes) of the bot's memory, and the flood check, which runs as lines
/// are taken, sees every line it wrote. One reader thread pushes, one task takes.
final class PluginOutputQueue<Element: Sendable>: AsyncSequence, Sendable {
    private struct State {
        var waiting = Deque<Element>()
        var finished = false
        var taker: CheckedContinuation<Element?, Never>?
        var mostWaiting = 0
    }

    let capacity: Int
    private let state = Mutex(State())
    /// One permit per free place; the reader takes one before it pushes.
    private let room: DispatchSemaphore

    init(capacity: Int) {
        self.capacity = capacity
        room = DispatchSemaphore(value: capacity)
    }

    /// The most lines that were ever waiting at once.
    var mostWaiting: Int { state.withLock { $0.mostWaiting } }

    /// Adds a line, first waiting (blocking the calling thread) while the queue is full.
    func push(_ element: Element) {
        room.wait()
        let taker = state.withLock { state -> CheckedContinuation<Element?, Never>? in
            if let taker = state.taker {
                state.taker = nil
                return taker
            }
            state.waiting.append(element)
            state.mostWaiting = Swift.max(state.mostWaiting, state.waiting.count)
            return nil
        }
        if let taker {
            room.signal()
            taker.resume(returning: element)
        }
    }

    /// No more lines will come; the taker gets `nil` once it has taken the waiting ones.
    func finish() {
        let taker = state.withLock { state -> CheckedContinuation<Element?, Never>? in
            state.finished = true
            defer { state.taker = nil }
            return state.taker
        }
        taker?.resume(returning: nil)
    }

    /// The next line, waiting for one; `nil` after ``finish()``.
    func next() async -> Element? {
        await withCheckedContinuation { continuation in
            let taken = state.withLock { state -> Element?? in
                if let element = state.waiting.popFirst() { return .some(element) }
                if state.finished { return .some(nil) }
                state.taker = continuation
                return nil
            }
            guard let taken else { return }
            if taken != nil { room.signal() }
            continuation.resume(returning: taken)
        }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let queue: PluginOutputQueue
        func next() async -> Element? { await queue.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(queue: self) }
}
