/// The value of the IRCv3 `sts` capability (`port=6697,duration=2592000,preload`).
///
/// On a plain connection only `port` counts (move to TLS there); on a secure one only
/// `duration` (how long, in seconds, the host must be reached over TLS only; 0 forgets it).
/// Keys we do not know, and values that are not whole numbers in range, are ignored.
struct STSPolicy: Sendable, Equatable {
    var port: Int?
    var duration: Int?

    init(port: Int? = nil, duration: Int? = nil) {
        self.port = port
        self.duration = duration
    }

    init(_ value: String) {
        for entry in value.split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let number = Int(pair[1]), number >= 0 else { continue }
            switch pair[0] {
            case "port" where (1...65535).contains(number): port = number
            case "duration": duration = number
            default: continue
            }
        }
    }
}
