import Foundation

/// The checkout this module was built from: the deploy scripts the test servers start live there.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
