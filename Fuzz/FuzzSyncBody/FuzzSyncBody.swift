// libFuzzer target (deploy/fuzz.sh): a Matrix homeserver's `/sync` body.
import Foundation
import NIOCore
import RapportCore
import RapportMatrix

/// Decodes the input as the connector decodes `/sync` and, if it decodes, translates it twice
/// as two batches. A body that does not decode must be a `.decoding` ``MatrixError``; the same
/// batch again must deliver no timeline event a second time (events are delivered at most once).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let response: SyncResponse
    do {
        response = try MatrixClient.decodeSync(ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size)))
    } catch let error as MatrixError {
        if error.code != .decoding { fatalError("an undecodable /sync body gave \(error.code), not decoding") }
        return 0
    } catch {
        fatalError("an undecodable /sync body gave an error that is not a MatrixError: \(error)")
    }
    let server = "example.org"
    var translator = MatrixEventTranslator(
        network: "mx", ownUserID: "@rapport:\(server)",
        configuration: MatrixConfiguration(
            homeserver: URL(fileURLWithPath: "/"), userID: "@rapport:\(server)", password: "x", allowInvitesFrom: ["@alice:\(server)"]))
    func deliveredIDs(_ actions: [MatrixEventTranslator.Action]) -> [MessageID] {
        actions.compactMap { if case .deliver(let event) = $0 { event.id } else { nil } }
    }
    let first = deliveredIDs(translator.process(response, initial: false))
    if Set(first).count != first.count { fatalError("one batch delivered an event twice: \(first)") }
    let again = deliveredIDs(translator.process(response, initial: false))
    if !again.isEmpty { fatalError("the same batch again delivered \(again)") }
    return 0
}
