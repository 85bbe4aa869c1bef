/// What ``value(of:within:_:)`` throws when the task did not end in time.
public struct TaskDeadlineExceeded: Error, CustomStringConvertible {
    public var description: String
}

/// The task's value, waiting at most `timeout`: past it the task is cancelled and this throws,
/// so a test that expected a task to end fails instead of waiting forever when it does not.
public func value<T: Sendable>(
    of task: Task<T, any Error>, within timeout: Duration, _ what: String
) async throws -> T {
    let timer = Task { () -> Bool in
        do { try await Task.sleep(for: timeout) } catch { return false }
        task.cancel()
        return true
    }
    let result = await task.result
    timer.cancel()
    if case .failure = result, await timer.value {
        throw TaskDeadlineExceeded(description: "\(what) did not end within \(timeout)")
    }
    return try result.get()
}
