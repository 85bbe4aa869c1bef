// libFuzzer target (deploy/fuzz.sh): one line an external plugin writes on its standard output.
import Foundation
import RapportPluginHost

/// Reads the input as the supervisor reads a plugin's line. A refused line must come with a
/// one-sentence problem for the plugin's `error` line; an accepted one must encode and read back
/// as the same message (nothing the decoder accepts is lost or changed on the way).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    let message: PluginMessage
    do {
        message = try PluginMessage.read(line, with: JSONDecoder())
    } catch {
        if error.description.isEmpty { fatalError("a refused line has no problem to report") }
        return 0
    }
    let encoded: Data
    do {
        encoded = try JSONEncoder().encode(message)
    } catch {
        fatalError("an accepted line does not encode again: \(error); message: \(message)")
    }
    guard let again = try? PluginMessage.read(Array(encoded), with: JSONDecoder()), again == message else {
        fatalError("an accepted line does not read back the same: \(message) → \(String(decoding: encoded, as: UTF8.self))")
    }
    return 0
}
