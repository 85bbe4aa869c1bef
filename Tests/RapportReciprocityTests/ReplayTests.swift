import Foundation
import Testing
@testable import RapportReciprocity

struct ReplayTests {
    @Test("link lines are what string interpolation writes", arguments: [(0, 0), (9, 10), (12345, 12346), (-1, 99), (Int.max, Int.min + 1), (Int.min, 100), (999, 1000)])
    func linkLines(_ antecedent: Int, _ line: Int) {
        var buffer: [UInt8] = Array("x".utf8)
        OutputFile.append(antecedent, line, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "x\(antecedent) \(line) -\n")
    }
}
