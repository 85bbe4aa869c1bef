public import RapportCore

extension Bot {
    /// Moves `time` on by `duration` and returns once the scheduled jobs it woke have run.
    public func advance(_ time: ManualTime, by duration: Duration) async throws {
        // Every job loop must be asleep on the clock before it moves, or it would miss the move.
        let sleepers = await scheduledJobCount
        try await waitUntil { time.sleeperCount >= sleepers }
        time.advance(by: duration)
        // Each woken job loop queues its job and then sleeps again.
        try await waitUntil { time.sleeperCount >= sleepers }
        await settle()
    }

    /// Polls `condition` for up to 20 s of wall time: on a loaded machine a job loop can take a
    /// while to get back to sleep, and a fixed number of polls would move the clock under it.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }
}
