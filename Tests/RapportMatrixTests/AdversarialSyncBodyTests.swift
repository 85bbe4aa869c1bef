import Foundation
import NIOCore
import RapportCore
@testable import RapportMatrix
import Testing

/// `/sync` bodies a hostile or broken homeserver could send (found by Fuzz/FuzzSyncBody).
struct AdversarialSyncBodyTests {
    /// Before the fix, the event list tried to step over the bad event by decoding it as JSON,
    /// which failed again without moving on: the decoder looped, recording failures until the
    /// process ran out of memory.
    @Test("an event with bytes that are not UTF-8 is skipped, and the rest of the batch arrives")
    func eventThatIsNotUTF8IsSkipped() throws {
        var body = Array(#"""
            {"next_batch":"s9","rooms":{"join":{"!room:example.org":{"timeline":{"events":[
            {"type":"m.room.message","event_id":"$bad","sender":"@alice:eXXXample.org","content":{"msgtype":"m.text","body":"x"}},
            {"type":"m.room.message","event_id":"$good","sender":"@alice:example.org","origin_server_ts":1,"content":{"msgtype":"m.text","body":"fine"}}
            ]}}}}}
            """#.utf8)
        let marker = try #require(body.firstRange(of: Array("XXX".utf8)))
        body.replaceSubrange(marker, with: [0xFF, 0xFF, 0xFF])
        let batch = try MatrixClient.decodeSync(ByteBuffer(bytes: body))
        #expect(batch.decodingFailures.count == 1)
        var translator = Fixture.translator()
        #expect(Fixture.events(translator.process(batch, initial: false)).map(\.id) == [MessageID("$good")])
    }
}
