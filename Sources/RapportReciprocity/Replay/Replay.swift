public import Foundation

/// Runs the ``ReciprocityEngine`` over log files in the Ubuntu IRC corpus format, each file as its
/// own channel, and writes the reply links and help events it finds.
///
/// This is what `rapport replay` calls. Line numbers count from 0, as in the corpus annotations;
/// lines not in the format are counted in ``Summary/invalidLines`` and linked to themselves.
public struct Replay: Sendable {
    /// Where to write what.
    public struct Options: Sendable {
        /// A directory for `NAME.annotation.txt` link files (`A B -` per line).
        public var linksDirectory: URL?
        /// A file for help events, one JSON object per line.
        public var eventsFile: URL?
        /// Hidden: a path prefix for training features (`PREFIX.f32`, `PREFIX.idx`).
        public var featuresPrefix: URL?
        /// Hidden: dump features only for lines from this number on (the annotated part).
        public var featuresFromLine: Int
        /// Engine configuration; the defaults know #ubuntu's bots.
        public var engine: ReciprocityEngine.Configuration

        public init(
            linksDirectory: URL? = nil, eventsFile: URL? = nil, featuresPrefix: URL? = nil, featuresFromLine: Int = 1000,
            engine: ReciprocityEngine.Configuration = ReciprocityEngine.Configuration(botNicks: Replay.corpusBots)
        ) {
            self.linksDirectory = linksDirectory
            self.eventsFile = eventsFile
            self.featuresPrefix = featuresPrefix
            self.featuresFromLine = featuresFromLine
            self.engine = engine
        }
    }

    /// What a replay did.
    public struct Summary: Sendable, CustomStringConvertible {
        public var files = 0
        public var lines = 0
        public var messages = 0
        public var invalidLines = 0
        public var answered = 0
        public var thanked = 0
        public var seconds = 0.0

        public var linesPerSecond: Double { seconds > 0 ? Double(lines) / seconds : 0 }

        public var description: String {
            "\(files) files, \(lines) lines (\(messages) messages, \(invalidLines) invalid), \(answered) answered, "
                + "\(thanked) thanked, in \(String(format: "%.2f", seconds)) s: \(Int(linesPerSecond)) lines/s"
        }
    }

    /// The bots of the #ubuntu channel in the corpus.
    public static let corpusBots: Set<String> = ["ubottu", "ubotu", "ubot5", "ubot2", "ubugtu", "ubotwo"]

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Replays `files` in order.
    ///
    /// - Throws: when a file cannot be read or an output cannot be written; bad lines never throw.
    public func run(_ files: [URL]) throws -> Summary {
        var summary = Summary()
        let start = DispatchTime.now().uptimeNanoseconds
        if let directory = options.linksDirectory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        var events = try options.eventsFile.map { try OutputFile($0) }
        var features = try options.featuresPrefix.map { try OutputFile($0.appendingPathExtension("f32")) }
        var featureIndex = try options.featuresPrefix.map { try OutputFile($0.appendingPathExtension("idx")) }
        // Read once: per line, `options` was copied (its two sets retained and released), and
        // the feature files, captured by the escaping dump closure, were checked for exclusive
        // access.
        let dumping = features != nil, featuresFromLine = options.featuresFromLine
        var engine = ReciprocityEngine(configuration: options.engine)
        for file in files {
            let name = Self.logName(file)
            var links = try options.linksDirectory.map { try OutputFile($0.appendingPathComponent("\(name).annotation.txt")) }
            summary.files += 1
            var lineNumber = 0
            try Self.forEachObservation(in: file) { number, observation, valid in
                if !valid { summary.invalidLines += 1 }
                // Matched, not compared with `==`: that copies the observation (≈ 400 instructions).
                switch observation.kind {
                case .message, .action: summary.messages += 1
                default: break
                }
                let dumpHere = dumping && number >= featuresFromLine
                let outcome = engine.observe(
                    observation,
                    dump: dumpHere
                        ? { candidates, rows in
                            featureIndex?.write("\(name) \(number) \(candidates.map(String.init).joined(separator: ","))\n")
                            rows.withUnsafeBytes { features?.write($0) }
                        } : nil)
                let antecedent = outcome.decision?.antecedent ?? number
                links?.writeLink(antecedent, number)
                for event in outcome.events {
                    switch event.kind {
                    case .answered: summary.answered += 1
                    case .thanked: summary.thanked += 1
                    }
                    events?.write(Self.json(event, file: name))
                }
                lineNumber = number + 1
            }
            summary.lines += lineNumber
            try links?.close()
            engine.forget(channel: name, network: "corpus")
        }
        try events?.close()
        try features?.close()
        try featureIndex?.close()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    /// Reads one log in the corpus format and hands each line, in order, to `body` as an
    /// observation of the channel `NAME` (network `corpus`), with its line number (from 0) and
    /// whether the line was in the format (other lines become `.other` observations); times as
    /// ``CorpusReader`` reads them.
    public static func forEachObservation(in file: URL, _ body: (_ line: Int, _ observation: Observation, _ valid: Bool) throws -> Void) throws {
        var reader = CorpusReader(channel: logName(file))
        // Read in chunks so memory stays flat however long the log.
        try LineReader.forEachLine(in: file) { line in
            let valid = reader.read(line)
            try body(reader.lineNumber, reader.observation, valid)
            reader.lineNumber += 1
        }
    }

    /// ``forEachObservation(in:_:)`` for a log held in memory, one string a line, as the channel
    /// `channel`.
    public static func forEachObservation(
        lines: [String], channel: String, _ body: (_ line: Int, _ observation: Observation, _ valid: Bool) throws -> Void
    ) rethrows {
        var reader = CorpusReader(channel: channel)
        for var line in lines {
            let valid = line.withUTF8 { reader.read($0[...]) }
            try body(reader.lineNumber, reader.observation, valid)
            reader.lineNumber += 1
        }
    }

    /// `NAME` of `NAME.raw.txt` (or of any other file name, without its last extension).
    public static func logName(_ file: URL) -> String {
        let base = file.lastPathComponent
        for suffix in [".raw.txt", ".ascii.txt", ".txt", ".log"] where base.hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }

    static func json(_ event: HelpEvent, file: String) -> String {
        var s = "{\"file\":\(quote(file)),\"line\":\(event.sequence),\"kind\":\"\(event.kind.rawValue)\""
        s += ",\"from\":\(quote(event.from)),\"to\":\(quote(event.to)),\"detection\":\"\(event.detection.rawValue)\""
        if let related = event.relatedSequence { s += ",\"related_line\":\(related)" }
        s += "}\n"
        return s
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Turns the lines of one log in the corpus format, in order, into observations of one channel
/// (network `corpus`).
///
/// Times come from the log's `[HH:MM]` stamps, counting days when the clock goes back past
/// midnight, in seconds from the log's first midnight.
struct CorpusReader {
    /// The line number (from 0) of the line read last.
    var lineNumber = 0
    var minute = 0
    var day = 0
    /// One observation, its fields replaced line by line: built anew for every line, the
    /// compiler copied it once more (≈ 400 instructions a line).
    var observation: Observation

    init(channel: String) {
        observation = Observation(kind: .other, network: "corpus", channel: channel, nick: "", time: 0)
    }

    /// Makes ``observation`` the observation of `line` (other lines become `.other`
    /// observations); returns whether the line was in the format.
    mutating func read(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var parsed = CorpusLine(line)
        if let m = parsed.minute {
            if m < minute - 60 { day += 1 }  // past midnight
            minute = m
        }
        var valid = true
        switch parsed.kind {
        case .message: observation.kind = .message
        case .action: observation.kind = .action
        case .join: observation.kind = .join
        case .leave: observation.kind = .leave
        case .nickChange(let new): observation.kind = .nickChange(newNick: new)
        case .other: observation.kind = .other
        case .invalid:
            observation.kind = .other
            valid = false
        }
        observation.time = Double(day * 86400 + minute * 60)
        // Moved, not copied: `parsed` is done with them.
        swap(&observation.nick, &parsed.nick)
        swap(&observation.text, &parsed.text)
        return valid
    }
}

/// Reads a file in chunks and hands out its lines (without the newline), the last one even
/// when the file does not end with a newline; each line is a slice of the chunk's bytes, valid
/// only while `body` runs.
enum LineReader {
    static func forEachLine(
        in file: URL, chunkSize: Int = 1 << 20, _ body: (Slice<UnsafeBufferPointer<UInt8>>) throws -> Void
    ) throws {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            let consumed = try pending.withUnsafeBufferPointer { bytes in
                var start = 0
                while let newline = newline(in: bytes, from: start) {
                    try body(bytes[start..<newline])
                    start = newline + 1
                }
                return start
            }
            pending.removeFirst(consumed)
        }
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { try body($0[...]) } }
    }

    /// The index of the first newline in `bytes` from `start` on (`memchr`: lines are long).
    static func newline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress, let found = memchr(base + start, 0x0A, bytes.count - start) else {
            return nil
        }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

/// A buffered output file (large writes, few system calls).
///
/// A struct held in a local variable, so that appending to its buffer needs no run-time check of
/// exclusive access (a class's stored property does, ≈ 120 instructions a line).
struct OutputFile {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(_ url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        try handle.truncate(atOffset: 0)
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfFull()
    }

    /// Writes a line of a link file: `A B -`.
    mutating func writeLink(_ antecedent: Int, _ line: Int) {
        Self.append(antecedent, line, to: &buffer)
        flushIfFull()
    }

    /// Appends `A B -` and a newline, written from its end into a small buffer on the stack and
    /// appended at once: byte by byte, each append cost a uniqueness and a capacity check.
    static func append(_ antecedent: Int, _ line: Int, to buffer: inout [UInt8]) {
        // Two numbers of at most 20 digits and a sign each, two blanks, `-` and the newline.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 46) { out in
            var first = out.count
            func put(byte: UInt8) {
                first -= 1
                out[first] = byte
            }
            func put(number: Int) {
                var value = number.magnitude
                repeat {
                    put(byte: UInt8(ascii: "0") + UInt8(value % 10))
                    value /= 10
                } while value > 0
                if number < 0 { put(byte: UInt8(ascii: "-")) }
            }
            put(byte: 0x0A)
            put(byte: UInt8(ascii: "-"))
            put(byte: 0x20)
            put(number: line)
            put(byte: 0x20)
            put(number: antecedent)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: out[first...]))
        }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        flushIfFull()
    }

    private mutating func flushIfFull() {
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        try handle.close()
    }
}
