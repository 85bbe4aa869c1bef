import Synchronization

/// A lock for async code: one holder at a time, waiters resumed in arrival order.
///
/// Taking a free lock costs no suspension (a `Mutex` guards its state), so a statement that
/// meets no other writer does not wait for an actor.
final class AsyncLock: Sendable {
    private struct State: ~Copyable {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func acquire() async {
        let taken = state.withLock { state in
            if state.held { return false }
            state.held = true
            return true
        }
        if taken { return }
        await withCheckedContinuation { continuation in
            // Released in the meantime: the lock passes to us at once.
            let waits = state.withLock { state in
                guard state.held else {
                    state.held = true
                    return false
                }
                state.waiters.append(continuation)
                return true
            }
            if !waits { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
