import Foundation
public import RapportCore
import RapportHTTP
import RapportIRC
import RapportPluginHost
import RapportStorePostgres
import Yams

/// Reads and checks a configuration file: YAML syntax, types, unknown keys, `${VARIABLE}`
/// references, and every plugin setting against its plugin's schema.
///
/// Strings may refer to environment variables as `${NAME}`, so secrets can stay out of the file
/// (`password: ${IRC_PASSWORD}`). A missing variable is an error naming the key.
public struct ConfigurationLoader: Sendable {
    /// The plugins whose settings the file may configure.
    public var descriptors: [PluginDescriptor]
    public var environment: [String: String]

    public init(descriptors: [PluginDescriptor], environment: [String: String]? = nil) {
        self.descriptors = descriptors
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }

    /// Loads and validates `path`.
    ///
    /// - Throws: ``ConfigurationError`` naming the file, the key path and the problem.
    public func load(_ path: String) throws(ConfigurationError) -> (file: ConfigurationFile, bot: BotConfiguration) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(file: path, path: "", problem: "there is no such file.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, path: "", problem: "the file cannot be read (check its permissions).")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, path: "", problem: "the file is not UTF-8 text.")
        }
        return try parse(text, file: path)
    }

    /// Validates configuration text; `file` names it in errors.
    ///
    /// An error never shows a value read from the environment (a password given to a setting
    /// that quotes what it refuses): it shows `${NAME}` instead.
    public func parse(_ text: String, file: String) throws(ConfigurationError) -> (file: ConfigurationFile, bot: BotConfiguration) {
        var secrets: [(name: String, value: String)] = []
        func fail(_ path: String, _ problem: String) -> ConfigurationError {
            ConfigurationError(file: file, path: path, problem: Self.hiding(secrets, in: problem))
        }
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { throw fail("", "the file is empty.") }
            node = try expand(composed, path: "", secrets: &secrets)
        } catch let error as ConfigurationError {
            throw ConfigurationError(file: file, path: error.path, problem: error.problem)
        } catch {
            throw fail("", "this is not valid YAML: \(error)")
        }
        let decoded: ConfigurationFile
        do {
            decoded = try YAMLDecoder().decode(ConfigurationFile.self, from: node)
        } catch let error as DecodingError {
            let (path, problem) = Self.describe(error)
            throw fail(path, problem)
        } catch {
            throw fail("", "\(error)")
        }
        if let unknown = Self.unknownKey(in: Self.plain(node), known: Self.encoded(decoded), path: "") {
            throw fail(unknown, "unknown key.")
        }
        try checkStructure(decoded, fail)
        try checkExternalPlugins(decoded, fail)
        do {
            // External plugins' settings are checked once their manifests are known.
            let external = Set(decoded.externalPlugins.map(\.id))
            return (decoded, try decoded.botConfiguration.validated(against: descriptors, skipping: external))
        } catch {
            throw fail("", error.description)
        }
    }

    private func checkStructure(_ file: ConfigurationFile, _ fail: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        var names = Set<String>()
        for (index, network) in file.networks.enumerated() {
            guard !network.name.isEmpty, network.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw fail("networks[\(index)].name", "use letters, digits, - and _ only.")
            }
            guard names.insert(network.name).inserted else {
                throw fail("networks[\(index)].name", "another network is already called '\(network.name)'.")
            }
            switch (network.irc, network.matrix) {
            case (nil, nil): throw fail("networks[\(index)]", "say which kind of network: add an irc or a matrix section.")
            case (.some, .some): throw fail("networks[\(index)]", "a network is either irc or matrix, not both.")
            default: break
            }
            if let (key, problem) = network.irc?.saslProblem { throw fail("networks[\(index)].irc.\(key)", problem) }
        }
        let sections = [("plugins", file.plugins)] + file.networks.enumerated().map { ("networks[\($0.offset)].plugins", $0.element.plugins ?? [:]) }
        for (path, plugins) in sections {
            for (id, values) in plugins {
                if let enabled = values["enabled"], case .bool = enabled {} else if values["enabled"] != nil {
                    throw fail("\(path).\(id).enabled", "must be true or false.")
                }
            }
        }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(file.logging.level) {
            throw fail("logging.level", "must be one of trace, debug, info, notice, warning, error, critical.")
        }
        if !["text", "json"].contains(file.logging.format) { throw fail("logging.format", "must be text or json.") }
        if Duration(chatText: file.retention.excerpts) == nil {
            throw fail("retention.excerpts", "must be a duration such as 30d, 12h or 0.")
        }
        switch (file.storage.sqlite, file.storage.postgres) {
        case (.some, .some):
            throw fail("storage", "use either sqlite or postgres, not both.")
        case (.some(let path), nil):
            if path.isEmpty { throw fail("storage.sqlite", "name the database file.") }
        case (nil, .some(let url)):
            do throws(PostgresURL.ParseError) { _ = try PostgresURL(url) } catch { throw fail("storage.postgres", error.description) }
        case (nil, nil):
            throw fail("storage", "name a database: sqlite: PATH or postgres: URL.")
        }
        if file.storage.postgresLimits != nil, file.storage.postgres == nil {
            throw fail("storage.postgres_limits", "applies to a PostgreSQL store: set storage.postgres, or remove it.")
        }
        if let instances = file.instances {
            if file.storage.postgres == nil {
                throw fail("instances", "several instances share a PostgreSQL store: set storage.postgres, or remove this section.")
            }
            let range = ConfigurationFile.Instances.leaseRange
            if !range.contains(instances.leaseSeconds) {
                throw fail("instances.lease_seconds", "must be between \(range.lowerBound) and \(range.upperBound) seconds.")
            }
        }
        if let http = file.http, HTTPAddress(http.listen) == nil {
            throw fail("http.listen", "expected HOST:PORT, such as 127.0.0.1:9300.")
        }
        if let url = file.http?.publicURL, !Self.isWebAddress(url) {
            throw fail("http.public_url", "expected an http:// or https:// address, such as https://rapport.example.org.")
        }
    }

    /// `http://HOST[:PORT][/PATH]` or `https://…`, with no query or fragment.
    static func isWebAddress(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty
        else { return false }
        return url.query == nil && url.fragment == nil && url.user == nil
    }

    private func checkExternalPlugins(_ file: ConfigurationFile, _ fail: (String, String) -> ConfigurationError) throws(ConfigurationError) {
        var ids: Set<String> = []
        for (index, plugin) in file.externalPlugins.enumerated() {
            if let problem = plugin.problems().first { throw fail("external_plugins[\(index)]", problem) }
            if descriptors.contains(where: { $0.id == plugin.id }) {
                throw fail("external_plugins[\(index)].id", "'\(plugin.id)' is the id of a built-in plugin (and its store namespace); choose another id.")
            }
            guard ids.insert(plugin.id).inserted else {
                throw fail("external_plugins[\(index)].id", "another plugin is already called '\(plugin.id)'.")
            }
        }
    }

    // MARK: - Environment variables

    /// Replaces `${NAME}` in every string scalar, and adds each value it puts in to `secrets`.
    private func expand(_ node: Node, path: String, secrets: inout [(name: String, value: String)]) throws -> Node {
        switch node {
        case .scalar(var scalar):
            guard scalar.string.contains("${") else { return node }
            var result = ""
            var rest = Substring(scalar.string)
            while let start = rest.range(of: "${") {
                result += rest[..<start.lowerBound]
                guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                    throw ConfigurationError(file: "", path: path, problem: "'${' without a closing '}'.")
                }
                let name = String(rest[start.upperBound..<end])
                guard let value = environment[name] else {
                    throw ConfigurationError(file: "", path: path, problem: "the environment variable \(name) is not set.")
                }
                result += value
                secrets.append((name, value))
                rest = rest[rest.index(after: end)...]
            }
            scalar.string = result + rest
            scalar.style = .doubleQuoted
            return .scalar(scalar)
        case .mapping(var mapping):
            for index in mapping.indices {
                let (key, value) = mapping[index]
                mapping[index] = (key, try expand(value, path: Self.join(path, key.string ?? "?"), secrets: &secrets))
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            for index in sequence.indices {
                sequence[index] = try expand(sequence[index], path: "\(path)[\(index)]", secrets: &secrets)
            }
            return .sequence(sequence)
        case .alias:
            return node
        }
    }

    /// `problem` with each secret's value written as `${NAME}`. Values shorter than four
    /// characters stay: they cannot be told apart from the message's own words.
    private static func hiding(_ secrets: [(name: String, value: String)], in problem: String) -> String {
        secrets.filter { $0.value.count >= 4 }.reduce(problem) { text, secret in
            text.replacingOccurrences(of: secret.value, with: "${\(secret.name)}")
        }
    }

    // MARK: - Unknown keys

    /// The decoded file encoded again: every key the decoders understood.
    private static func encoded(_ file: ConfigurationFile) -> Any {
        guard let data = try? JSONEncoder().encode(file), let tree = try? JSONSerialization.jsonObject(with: data) else {
            return [String: Any]()
        }
        return tree
    }

    /// The YAML tree as plain dictionaries and arrays.
    private static func plain(_ node: Node) -> Any {
        switch node {
        case .mapping(let mapping):
            var result: [String: Any] = [:]
            for (key, value) in mapping where !isNull(value) {
                result[key.string ?? ""] = plain(value)
            }
            return result
        case .sequence(let sequence): return sequence.map(plain)
        default: return node.string ?? ""
        }
    }

    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The path of the first key in `input` that the decoders did not take up.
    private static func unknownKey(in input: Any, known: Any, path: String) -> String? {
        if let input = input as? [String: Any] {
            let known = known as? [String: Any] ?? [:]
            for key in input.keys.sorted() {
                let keyPath = join(path, key)
                guard let knownValue = known[key] else { return keyPath }
                if let found = unknownKey(in: input[key] ?? "", known: knownValue, path: keyPath) { return found }
            }
        } else if let input = input as? [Any], let known = known as? [Any] {
            for (index, element) in input.enumerated() where index < known.count {
                if let found = unknownKey(in: element, known: known[index], path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Messages

    private static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ context: DecodingError.Context, extra: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in context.codingPath + (extra.map { [$0] } ?? []) {
                if let index = key.intValue { text += "[\(index)]" } else { text = join(text, key.stringValue) }
            }
            return text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context), "expected \(typeName(type)).")
        case .valueNotFound(let type, let context):
            return (path(context), "expected \(typeName(type)), found nothing.")
        case .keyNotFound(let key, let context):
            return (path(context, extra: key), "this key is required.")
        case .dataCorrupted(let context):
            let p = path(context)
            let secret = ["password", "token", "secret"].contains { p.lowercased().contains($0) }
            return (p, secret ? "the value is not valid." : context.debugDescription)
        @unknown default:
            return ("", "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        default:
            if "\(type)".hasPrefix("Array") { "a list" } else if "\(type)".hasPrefix("Dictionary") { "a map of keys" } else { "\(type)" }
        }
    }
}
