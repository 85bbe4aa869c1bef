public import RapportCore

extension Bot {
    /// Moves `time` on by `duration` and returns once the scheduled jobs it woke have run.
    public func advance(_ time: ManualTime, by duration: Duration) async throws {
        // Every job loop must be asleep on the clock before it moves, or it would miss the move.
        let sleepers = await scheduledJobCount
        for _ in 0..<1000 where time.sleeperCount < sleepers { try await Task.sleep(for: .milliseconds(1)) }
        time.advance(by: duration)
        // Each woken job loop queues its job and then sleeps again.
        for _ in 0..<1000 where time.sleeperCount < sleepers { try await Task.sleep(for: .milliseconds(1)) }
        await settle()
    }
}
