// libFuzzer target (deploy/fuzz.sh): the text of a configuration file.
import Foundation
import RapportApp
import RapportCore

/// The environment the file's `${NAME}` references read (every value is a secret), and the loader.
enum Fixture {
    static let environment = [
        "RAPPORT_IRC_PASSWORD": "irc-secret-4f1c9e", "RAPPORT_MATRIX_PASSWORD": "matrix-secret-7a20bd",
        "RAPPORT_MATRIX_TOKEN": "token-secret-91e3aa", "RAPPORT_DB_PASSWORD": "db-secret-c5d7f2",
    ]
    static let loader = ConfigurationLoader(descriptors: BuiltInPlugins.all.map(\.descriptor), environment: environment)
}

/// Loads the input as `rapport check-config` does (UTF-8 text, the built-in plugins' settings).
/// It either gives a configuration or a ``ConfigurationError`` (the typed throw guarantees the
/// kind); the error's message never shows an environment variable's value that the file itself
/// does not contain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    do {
        _ = try Fixture.loader.parse(text, file: "fuzz.yaml")
    } catch {
        for secret in Fixture.environment.values where error.description.contains(secret) && !text.contains(secret) {
            fatalError("a configuration error shows a secret: \(error.description)")
        }
    }
    return 0
}
