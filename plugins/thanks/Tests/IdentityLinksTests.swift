import Foundation
import PrivacyPlugin
import RapportCore
import RapportTesting
import Testing
@testable import ThanksPlugin

/// `!link` as a person with an IRC account and a Matrix ID would use it, on two networks.
struct IdentityLinksTests {
    let time = ManualTime()
    static let irc = Identity.irc(network: "libera", account: "alice")
    static let matrix = Identity.matrix(userID: "@alice:example.org")

    func chat(privacy: Bool = false) async throws -> PluginHarness {
        try await PluginHarness(
            [PluginRegistration(ThanksPlugin.self)] + (privacy ? [PluginRegistration(PrivacyPlugin.self)] : []),
            time: time, networks: ["libera", "matrix"])
    }

    /// Alice says `text` by DM as herself on IRC or on Matrix, a few seconds after her last line
    /// (so the command rate limit never answers instead).
    @discardableResult
    func alice(_ text: String, onMatrix: Bool = false, in channel: String? = nil, chat: PluginHarness) async throws -> [String] {
        time.advance(by: .seconds(5))
        return try await chat.say(
            text, as: onMatrix ? "alice_m" : "alice", identity: onMatrix ? Self.matrix : Self.irc,
            on: onMatrix ? "matrix" : "libera", in: channel, at: time.now)
    }

    /// The code in `!link`'s answer.
    func code(_ chat: PluginHarness, onMatrix: Bool = false) async throws -> String {
        let answer = try await alice("!link", onMatrix: onMatrix, chat: chat).joined()
        let match = try #require(answer.firstMatch(of: /code is ([A-Z0-9]{10})\./))
        return String(match.1)
    }

    /// Alice answers bob on IRC; on Matrix she answers carol, who thanks her.
    func helpOnBothNetworks(_ chat: PluginHarness) async throws {
        try await chat.say("how do I mount a usb stick?", as: "bob", on: "libera", in: "#help", at: time.now)
        try await alice("bob: plug it in, Files mounts it for you", in: "#help", chat: chat)
        try await chat.say("where is the grub config?", as: "carol", identity: .matrix(userID: "@carol:example.org"), on: "matrix", in: "#room", at: time.now)
        try await alice("carol: it lives in /etc/default/grub", onMatrix: true, in: "#room", chat: chat)
        try await chat.say("thanks alice_m", as: "carol", identity: .matrix(userID: "@carol:example.org"), on: "matrix", in: "#room", at: time.now)
    }

    @Test func codesAreRandomFromAnUnambiguousAlphabetAndStoredHashed() async throws {
        let chat = try await chat()
        let first = try await code(chat), second = try await code(chat)
        #expect(first != second)
        #expect(first.allSatisfy { IdentityLinks.alphabet.contains($0) } && !first.contains { "01OIL".contains($0) })
        let stored = try await chat.store.query("SELECT hash FROM thanks_link_code", [])
        #expect(stored.map { $0["hash"].string } == [IdentityLinks.hash(second)])
    }

    @Test func meCountsBothNetworksOnceLinkedAndUnlinkSplitsThemAgain() async throws {
        let chat = try await chat()
        try await helpOnBothNetworks(chat)
        let alone = "Your help on libera: you gave 1 answer and got 0 thanks; you got 0 answers and gave 0 thanks. You helped b\u{200B}ob (1). You were helped by nobody yet."
        #expect(try await alice("!me", chat: chat) == [alone])

        let code = try await code(chat)
        #expect(try await alice("!link \(code.lowercased())", onMatrix: true, chat: chat) == [
            "Linked: irc:libera:alice and matrix:@alice:example.org now count as one person. !link list shows them, !unlink undoes it."
        ])
        #expect(try await alice("!link list", chat: chat) == ["Linked as one person: irc:libera:alice, matrix:@alice:example.org."])
        let both = try await alice("!me", chat: chat)
        #expect(both == [
            "Your help on libera and your linked identities: you gave 2 answers and got 1 thanks; you got 0 answers and gave 0 thanks. You helped c\u{200B}arol (2), b\u{200B}ob (1). You were helped by nobody yet."
        ])

        #expect(try await alice("!unlink", onMatrix: true, chat: chat) == ["Done: matrix:@alice:example.org is no longer linked to your other identities."])
        #expect(try await alice("!me", chat: chat) == [alone])
        let list = try await alice("!link list", chat: chat)
        #expect(list == ["irc:libera:alice is not linked to any other identity. Say !link to start."])
        #expect(try await alice("!unlink", chat: chat) == ["irc:libera:alice was not linked to anything."])
    }

    @Test func aChainOfLinksJoinsEveryone() async throws {
        let chat = try await chat()
        let work = Identity.irc(network: "libera", account: "alice_work")
        try await alice("!link \(try await code(chat))", onMatrix: true, chat: chat)
        let answer = try await chat.say("!link", as: "alice_w", identity: work, on: "libera", in: nil, at: time.now).joined()
        let third = String(try #require(answer.firstMatch(of: /code is ([A-Z0-9]{10})\./)).1)
        try await alice("!link \(third)", onMatrix: true, chat: chat)
        #expect(try await alice("!link list", chat: chat) == [
            "Linked as one person: irc:libera:alice, irc:libera:alice_work, matrix:@alice:example.org."
        ])
    }

    @Test func wrongExpiredReusedAndOwnCodesAreRefused() async throws {
        let chat = try await chat()
        let refused = "That code is wrong, was already used or has expired. Ask for a new one with link."
        #expect(try await alice("!link ABCDEFGHJK", onMatrix: true, chat: chat) == [refused])

        let own = try await code(chat)
        #expect(try await alice("!link \(own)", chat: chat) == [
            "That code was made by this same identity. Send it from your other account (IRC or Matrix)."
        ])
        #expect(try await alice("!link \(own)", onMatrix: true, chat: chat) == [refused], "a refused try still uses the code up")

        let late = try await code(chat)
        time.advance(by: .seconds(601))
        #expect(try await alice("!link \(late)", onMatrix: true, chat: chat) == [refused])

        let used = try await code(chat)
        try await alice("!link \(used)", onMatrix: true, chat: chat)
        try await alice("!unlink", onMatrix: true, chat: chat)
        #expect(try await alice("!link \(used)", onMatrix: true, chat: chat) == [refused])
        #expect(try await alice("!link list", chat: chat).first?.hasSuffix("is not linked to any other identity. Say !link to start.") == true)
    }

    @Test func aCodeShownInAChannelIsVoided() async throws {
        let chat = try await chat()
        let shown = try await code(chat)
        let answers = try await alice("!link \(shown)", onMatrix: true, in: "#room", chat: chat)
        #expect(answers == ["That code was shown in a channel, so I voided it. Ask for a new one and send it privately."])
        #expect(try await alice("!link \(shown)", onMatrix: true, chat: chat).first?.hasPrefix("That code is wrong") == true)
    }

    @Test func aBareNickCannotLink() async throws {
        let chat = try await chat()
        let answer = try await chat.say("!link", as: "dave", on: "libera", in: nil, at: time.now)
        #expect(answer == ["Linking needs a verified identity: log in to your IRC network's services (NickServ) or use Matrix, then try again."])
        let console = try await chat.say("!link", as: "eve", identity: .console("eve"), on: "libera", in: nil, at: time.now)
        #expect(console == answer)
    }

    @Test func aLinkAskedForInAChannelIsAnsweredByDM() async throws {
        let chat = try await chat()
        let sent = try await chat.send(
            ChatEvent(
                network: "libera", channel: "#help", sender: ChatUser(nick: "alice", identity: Self.irc), time: time.now,
                kind: .message(ChatMessage("!link"))))
        #expect(sent.map(\.target) == [.user(address: "alice"), .channel("#help")])
        #expect(sent.last?.text == "I answered you privately.")
    }

    @Test func exportShowsTheLinkAndForgetErasesIt() async throws {
        let chat = try await chat(privacy: true)
        try await helpOnBothNetworks(chat)
        try await alice("!link \(try await code(chat))", onMatrix: true, chat: chat)
        let pending = try await code(chat)

        let export = try await alice("!export me", chat: chat).joined()
        #expect(export.contains(#""identity":"matrix:@alice:example.org""#))
        #expect(export.contains(#""identity":"irc:libera:alice""#))
        #expect(export.contains("pending_codes_expire_at"))

        try await alice("!forget me", chat: chat)
        try await alice("!forget me confirm", chat: chat)
        #expect(try await chat.store.query("SELECT * FROM thanks_link", []).isEmpty)
        #expect(try await chat.store.query("SELECT * FROM thanks_link_code", []).isEmpty)
        let named = try await chat.store.query(
            "SELECT * FROM thanks_event WHERE giver_identity = ? OR receiver_identity = ?", [.text(Self.irc.rawValue), .text(Self.irc.rawValue)])
        #expect(named.isEmpty)
        #expect(try await alice("!link \(pending)", onMatrix: true, chat: chat).first?.hasPrefix("That code is wrong") == true)
        #expect(try await alice("!link list", onMatrix: true, chat: chat) == [
            "matrix:@alice:example.org is not linked to any other identity. Say !link to start."
        ])
    }
}
