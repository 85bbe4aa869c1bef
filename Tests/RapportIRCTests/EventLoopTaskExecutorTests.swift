import NIOCore
import NIOPosix
import Testing

@testable import RapportIRC

/// The connection's tasks run on its event loop, and so do the default actors they call;
/// tasks without the preference stay on the global pool.
@Suite struct EventLoopTaskExecutorTests {
    actor Counter {
        var count = 0
        func increment() -> Bool {
            count += 1
            return MultiThreadedEventLoopGroup.currentEventLoop != nil
        }
    }

    @Test func aTaskPreferringTheLoopRunsItAndTheActorsItCallsThere() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let counter = Counter()
        let (onLoop, actorOnLoop) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let here = loop.inEventLoop
            let actor = await counter.increment()
            return (here && loop.inEventLoop, actor)
        }
        #expect(onLoop)
        #expect(actorOnLoop)
        let elsewhere = await Task.detached { await counter.increment() }.value
        #expect(!elsewhere)
    }
}
