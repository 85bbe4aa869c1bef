import Foundation
import RapportIRC

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to 127.0.0.1 that reads and writes IRC lines; one thread uses it.
///
/// The load benchmark gives each simulated user a thread and a `LineSocket`, so a reply's arrival
/// time is taken the moment `recv` returns, not when some task gets scheduled.
final class LineSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var head = 0
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var limit = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Writes `lines`, each followed by CR LF, in one `send` where the kernel allows.
    func send(_ lines: [String]) throws {
        var bytes: [UInt8] = []
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    func send(_ line: String) throws { try send([line]) }

    /// The next line without CR LF, or `nil` when none came within 0.1 s; throws when the
    /// server closes the connection.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer[head...].firstIndex(of: 0x0A) {
                var end = newline
                if end > head, buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[head..<end], as: UTF8.self)
                head = newline + 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                return line
            }
            if head > 0 {
                buffer.removeFirst(head)
                head = 0
            }
            // Acknowledged at once, as the bot does: the probe reads the whole channel, and its
            // delayed acknowledgements would make InspIRCd (Nagle on) hold the bot's reply back.
            let received = try receive(into: &chunk)
            acknowledgeNow()
            guard let count = received else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// One `recv` into `chunk`: the byte count, or `nil` when nothing came within 0.1 s; throws
    /// when the server closes the connection.
    func receive(into chunk: inout [UInt8]) throws -> Int? {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
        guard count > 0 else {
            throw Failure(description: count == 0 ? "server closed the connection" : "recv: \(String(cString: strerror(errno)))")
        }
        return count
    }

    /// Asks the kernel to acknowledge what arrived now (`TCP_QUICKACK`).
    func acknowledgeNow() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads until a message satisfies `done` and returns it, or `nil` after `seconds`; server
    /// PINGs are answered on the way.
    func read(within seconds: Double, until done: (IRCMessage) -> Bool) throws -> IRCMessage? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard let line = try readLine(), let message = try? IRCMessageParser.parse(line) else { continue }
            if message.command == "PING" {
                try send("PONG :\(message.parameter(0) ?? "")")
            } else if done(message) {
                return message
            }
        }
        return nil
    }

    /// Registers as `nick`, sets user mode +d (deaf: no channel traffic) if asked, and joins `channel`.
    static func user(nick: String, port: Int, channel: String, deaf: Bool) throws -> LineSocket {
        let socket = try LineSocket(port: port)
        try socket.send(["NICK \(nick)", "USER \(nick) 0 * :load client"])
        guard try socket.read(within: 30, until: { $0.command == "001" }) != nil else {
            throw Failure(description: "\(nick) not registered within 30 s")
        }
        try socket.send((deaf ? ["MODE \(nick) +d"] : []) + ["JOIN \(channel)"])
        guard try socket.read(within: 30, until: { $0.command == "366" }) != nil else {
            throw Failure(description: "\(nick) not in \(channel) within 30 s")
        }
        return socket
    }
}
