import Foundation

/// The Ubuntu IRC corpus (`../shared/data/ubuntu-irc`), for the runs that measure real chat text.
public enum UbuntuCorpus {
    public static let defaultDirectory = "../shared/data/ubuntu-irc"

    /// Every `[hh:mm] <nick> text` line of the `*.raw.txt` files under `root`.
    public static func chatLines(under root: String) -> [(nick: String, text: String)] {
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".raw.txt") }.sorted()
        var lines: [(nick: String, text: String)] = []
        for file in files {
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard line.hasPrefix("["), let open = line.firstIndex(of: "<"), let close = line.firstIndex(of: ">"), open < close
                else { continue }
                lines.append((String(line[line.index(after: open)..<close]), String(line[line.index(after: close)...].drop { $0 == " " })))
            }
        }
        return lines
    }
}
