/// Cuts a byte stream into lines, refusing lines longer than a limit.
///
/// ```
/// bytes in:   {"type":"done","id":1}\n{"type":"re  ply","to":2,"text":"hi"}\n
///              └──────── line ────────┘└──── (buffered) ────┘└──── line ────┘
/// frames out: .line({"type":"done","id":1})  .line({"type":"reply","to":2,"text":"hi"})
/// ```
///
/// A line longer than ``maximumLength`` bytes yields one ``Frame/oversize`` and its bytes are
/// skipped up to the next newline, so one bad line never grows the buffer without bound.
/// A trailing CR is removed. Deliberately not Sendable: one reader thread owns it.
struct JSONLineFramer {
    enum Frame: Sendable, Hashable {
        case line([UInt8])
        case oversize
    }

    let maximumLength: Int
    private var buffer: [UInt8] = []
    private var skipping = false

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    /// Adds bytes and returns the frames they complete.
    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Frame] {
        var frames: [Frame] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if skipping {
                    skipping = false
                } else {
                    if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                    if !buffer.isEmpty { frames.append(.line(buffer)) }
                }
                buffer.removeAll(keepingCapacity: true)
            } else if !skipping {
                buffer.append(byte)
                if buffer.count > maximumLength {
                    frames.append(.oversize)
                    buffer.removeAll(keepingCapacity: false)
                    skipping = true
                }
            }
        }
        return frames
    }
}

@available(*, unavailable)
extension JSONLineFramer: Sendable {}
