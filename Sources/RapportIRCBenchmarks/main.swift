import Foundation
import RapportIRC

var state: UInt64 = 0x9E37_79B9_7F4A_7C15
@MainActor func next() -> UInt64 { state ^= state >> 12; state ^= state << 25; state ^= state >> 27; return state &* 2_685_821_657_736_338_717 }
let start = Date()
var ok = 0
var line: [UInt8] = []
for _ in 0..<20000 {
    line.removeAll(keepingCapacity: true)
    for _ in 0..<Int(next() % 600) { line.append(UInt8(truncatingIfNeeded: next())) }
    if case .success = line.withUnsafeBufferPointer({ IRCMessageParser.result($0) }) { ok += 1 }
}
print(ok, Date().timeIntervalSince(start))
let s2 = Date()
for _ in 0..<20000 {
    line.removeAll(keepingCapacity: true)
    for _ in 0..<Int(next() % 600) { line.append(UInt8(truncatingIfNeeded: next())) }
    _ = String(decoding: line, as: UTF8.self)
}
print(Date().timeIntervalSince(s2))
let s3 = Date()
for _ in 0..<20000 {
    line.removeAll(keepingCapacity: true)
    for _ in 0..<Int(next() % 600) { line.append(UInt8(truncatingIfNeeded: next() % 128)) }
    _ = String(decoding: line, as: UTF8.self)
}
print("ascii", Date().timeIntervalSince(s3))
let s4 = Date()
for _ in 0..<20000 {
    line.removeAll(keepingCapacity: true)
    for _ in 0..<Int(next() % 600) { line.append(UInt8(truncatingIfNeeded: next() % 128)) }
    line.append(0xFF)
    _ = String(decoding: line, as: UTF8.self)
}
print("one bad", Date().timeIntervalSince(s4))
