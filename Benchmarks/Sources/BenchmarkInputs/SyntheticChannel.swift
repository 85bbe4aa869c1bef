import Foundation

/// A made-up busy help channel, the same for the same seed, so that benchmarks need no log
/// files: people ask questions, others answer them by name, most askers thank their helper
/// (`thanks NICK`, `NICK++`, `ty NICK`), and chatter runs in between.
public enum SyntheticChannel {
    /// One message of the channel.
    public struct Line: Sendable {
        public var nick: String
        public var text: String
        /// Seconds since 1970.
        public var time: Double
    }

    /// The first `count` lines of the channel for `seed`.
    public static func lines(count: Int, seed: UInt64 = 1) -> [Line] {
        var random = SeededGenerator(seed: seed)
        var lines: [Line] = []
        lines.reserveCapacity(count)
        var time = 1_700_000_000.0
        func say(_ nick: String, _ text: String) {
            guard lines.count < count else { return }
            time += Double.random(in: 2..<30, using: &random)
            lines.append(Line(nick: nick, text: text, time: time))
        }
        func chatter(_ most: Int) {
            for _ in 0..<Int.random(in: 0...most, using: &random) {
                say(nicks.randomElement(using: &random)!, chat.randomElement(using: &random)!)
            }
        }
        while lines.count < count {
            let asker = nicks.randomElement(using: &random)!
            var helper = asker
            while helper == asker { helper = nicks.randomElement(using: &random)! }
            let topic = Int.random(in: 0..<topics.count, using: &random)
            say(asker, questions.randomElement(using: &random)!.replacingOccurrences(of: "TOPIC", with: topics[topic]))
            chatter(2)
            say(helper, "\(asker): \(answers[topic])")
            if Int.random(in: 0..<10, using: &random) < 6 {
                say(asker, thanks.randomElement(using: &random)!.replacingOccurrences(of: "NICK", with: helper))
            }
            chatter(3)
        }
        return lines
    }

    public static let nicks = (1...40).map { "user\($0)" } + ["ubottu_fan", "Guest4721", "ñandú", "zygote_", "[m]alice"]
    static let topics = [
        "mount an ntfs drive", "install the nvidia drivers", "upgrade from 22.04 to 24.04", "fix a broken apt lock",
        "set a static ip with netplan", "resize an ext4 partition", "start sshd at boot", "see which process holds port 80",
    ]
    static let questions = [
        "how do I TOPIC?", "anyone know how to TOPIC", "is there a way to TOPIC without rebooting?",
        "hi all, I tried everything but I can't TOPIC, any idea why?",
    ]
    static let answers = [
        "sudo apt install ntfs-3g, then mount -t ntfs3 /dev/sdb1 /mnt",
        "use ubuntu-drivers autoinstall and reboot",
        "run sudo do-release-upgrade after a full sudo apt update && sudo apt full-upgrade",
        "check that no apt is running (ps aux | grep apt), then sudo dpkg --configure -a",
        "edit /etc/netplan/01-netcfg.yaml and run sudo netplan apply",
        "boot a live usb and use gparted, you cannot grow a mounted root that way",
        "sudo systemctl enable --now ssh",
        "sudo ss -ltnp 'sport = :80' shows it",
    ]
    static let thanks = ["thanks NICK!", "NICK++", "ty NICK, that worked", "NICK: thank you, fixed it 👍", "thx NICK"]
    static let chat = [
        "anyone watching the match tonight?", "lol", "brb coffee", "the mirror is really slow today", "good morning all",
        "hmm", "that's odd", "works on my machine", "ça marche enfin 🎉", "is the channel logged somewhere?",
    ]
}

/// SplitMix64: a tiny generator whose sequence depends only on its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
