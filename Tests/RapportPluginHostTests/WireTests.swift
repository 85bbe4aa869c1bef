import Foundation
import RapportCore
@testable import RapportPluginHost
import Testing

struct WireTests {
    func decode(_ line: String) throws -> PluginMessage {
        try JSONDecoder().decode(PluginMessage.self, from: Data(line.utf8))
    }

    func encode(_ message: HostMessage) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(message), as: UTF8.self)
    }

    @Test func pluginLines() throws {
        #expect(try decode(#"{"type":"done","id":3}"#) == .done(id: 3, error: nil))
        #expect(try decode(#"{"type":"reply","to":3,"text":"hi"}"#) == .reply(id: nil, to: 3, text: "hi", privately: false))
        #expect(try decode(#"{"type":"store.get","id":"a","key":"k"}"#) == .storeGet(id: .string("a"), key: "k"))
        #expect(try decode(#"{"type":"store.set","id":1,"key":"k","value":{"n":[1,2.5,null]}}"#)
            == .storeSet(id: .int(1), key: "k", value: .object(["n": .array([.number(1), .number(2.5), .null])])))
        #expect(try decode(#"{"type":"send","network":"n","user":"bob","text":"t","style":"action"}"#)
            == .send(id: nil, network: "n", target: .user(address: "bob"), text: "t", style: .action))
        #expect(throws: PluginMessage.Problem.self) { try decode(#"{"type":"raw","line":"PRIVMSG #x :hi"}"#) }
        #expect(throws: (any Error).self) { try decode(#"{"type":"reply","text":"no target"}"#) }
    }

    @Test func refusedLinesSayWhy() {
        func problem(_ line: String) -> String? {
            do { _ = try PluginMessage.read(Array(line.utf8), with: JSONDecoder()) } catch { return error.description }
            return nil
        }
        #expect(problem("not json") == "this is not a JSON object.")
        #expect(problem(#"{"type":"reply","text":"no target"}"#) == "the key 'to' is missing.")
        #expect(problem(#"{"type":"done","id":"x"}"#) == "'id' has the wrong type.")
        #expect(problem(#"{"type":"send","network":"n","text":"t"}"#) == "send needs a channel or a user.")
    }

    /// The documented lines (docs/plugin-protocol.md), which are also the fuzzer's seeds.
    @Test func documentedLinesReadBackTheSameAfterEncoding() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/FuzzPluginLine/corpus")
        let files = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
        #expect(files.count >= 10)
        for file in files {
            let message = try PluginMessage.read(Array(try Data(contentsOf: file)), with: JSONDecoder())
            let encoded = try JSONEncoder().encode(message)
            #expect(try PluginMessage.read(Array(encoded), with: JSONDecoder()) == message, "\(file.lastPathComponent)")
        }
    }

    @Test func manifestIsADescriptorPlusProtocolAndEvents() throws {
        let line = #"{"type":"manifest","protocol":1,"id":"x","summary":"S.","commands":[{"name":"go","help":"Go."}],"events":["join"]}"#
        guard case .manifest(let version, let descriptor, let events) = try decode(line) else {
            Issue.record("not a manifest")
            return
        }
        #expect(version == 1)
        #expect(descriptor == PluginDescriptor(id: "x", summary: "S.", commands: [.init("go", help: "Go.")]))
        #expect(events == ["join"])
    }

    @Test func hostLines() throws {
        #expect(try encode(.hello(pluginID: "x")) == #"{"bot":"rapport","bot_version":"\#(RapportVersion.current)","plugin_id":"x","protocol":1,"type":"hello"}"#)
        #expect(try encode(.job(id: 4, name: "tick")) == #"{"id":4,"name":"tick","type":"job"}"#)
        #expect(try encode(.error(id: nil, code: "bad_line", message: "m")) == #"{"code":"bad_line","message":"m","type":"error"}"#)
        let event = ChatEvent(
            network: "n", channel: "#c", sender: ChatUser(nick: "al", identity: .irc(network: "n", account: "al")),
            time: Date(timeIntervalSince1970: 10), kind: .reaction(target: MessageID("m1"), key: "👍"))
        #expect(try encode(.event(id: 1, WireEvent(event))) == ##"{"event":{"channel":"#c","is_history":false,"is_own":false,"key":"👍","kind":"reaction","network":"n","sender":{"address":"al","identity":"irc:n:al","is_bot":false,"nick":"al"},"sender_is_operator":false,"target":"m1","time":10},"id":1,"type":"event"}"##)
    }

    @Test func framing() {
        var framer = JSONLineFramer(maximumLength: 8)
        #expect(framer.append(Array("ab\ncd".utf8)) == [.line(Array("ab".utf8))])
        #expect(framer.append(Array("e\r\n\n".utf8)) == [.line(Array("cde".utf8))])
        #expect(framer.append(Array("0123456789abc\nok\n".utf8)) == [.oversize, .line(Array("ok".utf8))])
    }
}
