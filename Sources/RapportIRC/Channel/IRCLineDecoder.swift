public import NIOCore

/// Splits the byte stream from an IRC server into lines, one `ByteBuffer` per line without
/// its line ending, and hands on the complete lines of each read together, in order.
///
/// ```
/// bytes in:   "PING :a\r\n:s 001 me :Hi\n:s 0"     "02 me :x\r\n"
/// frames out: ["PING :a", ":s 001 me :Hi"]   [":s 002 me :x"]
/// ```
///
/// One frame per read, not per line: what follows (the connector, the runtime) then pays its
/// fixed costs — a task wake-up, a hop into the runtime — once for all the lines of a read.
/// A partial line at the end of a read waits in the buffer for the rest.
///
/// Lines end at LF (CR before it is dropped, as is a lone CR some servers send). A line longer
/// than ``maxLineLength`` (tags included) is discarded up to its end and counted in
/// ``discardedLines``, so a hostile server cannot make the bot buffer without limit.
public struct IRCLineDecoder: ByteToMessageDecoder {
    public typealias InboundOut = [ByteBuffer]

    /// 8191 bytes of tags plus a 512-byte message, with room to spare.
    public static let defaultMaxLineLength = 16 * 1024

    public let maxLineLength: Int
    /// How many overlong lines were dropped so far.
    public private(set) var discardedLines = 0
    private var discarding = false

    public init(maxLineLength: Int = Self.defaultMaxLineLength) {
        self.maxLineLength = maxLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let lines = completeLines(&buffer)
        if !lines.isEmpty { context.fireChannelRead(Self.wrapInboundOut(lines)) }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        buffer.moveReaderIndex(to: buffer.writerIndex)  // an unterminated last line is dropped
        return .needMoreData
    }

    /// Takes every complete line out of `buffer`, in order. Exposed for tests.
    public mutating func completeLines(_ buffer: inout ByteBuffer) -> [ByteBuffer] {
        var lines: [ByteBuffer] = []
        while let line = nextLine(&buffer) { lines.append(line) }
        return lines
    }

    /// Takes the next complete line out of `buffer`, or `nil` if it has none yet. Exposed for tests.
    public mutating func nextLine(_ buffer: inout ByteBuffer) -> ByteBuffer? {
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                if view.count > maxLineLength {
                    if !discarding { discardedLines += 1 }
                    discarding = true
                    buffer.moveReaderIndex(forwardBy: view.count)
                }
                return nil
            }
            let length = newline - view.startIndex
            if discarding || length > maxLineLength {
                if !discarding { discardedLines += 1 }
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                continue
            }
            guard var line = buffer.readSlice(length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 1)
            while line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
            if line.readableBytes == 0 { continue }
            return line
        }
    }
}

@available(*, unavailable)
extension IRCLineDecoder: Sendable {}
