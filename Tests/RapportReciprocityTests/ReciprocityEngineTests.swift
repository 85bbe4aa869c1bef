import Foundation
import RapportCore
import Testing
@testable import RapportReciprocity

struct ReciprocityEngineTests {
    /// A little channel transcript: each `say` is one message a few seconds after the last.
    struct Chat {
        var engine = ReciprocityEngine()
        var clock = 1_700_000_000.0
        var events: [HelpEvent] = []
        var counter = 0

        @discardableResult
        mutating func say(_ nick: String, _ text: String, replyTo: MessageID? = nil, isBot: Bool = false) -> MessageID {
            clock += 5
            counter += 1
            let id = MessageID("m\(counter)")
            let event = ChatEvent(
                network: "test", channel: "#rapport", sender: ChatUser(nick: nick, isBot: isBot),
                time: Date(timeIntervalSince1970: clock), id: id, kind: .message(ChatMessage(text, replyTo: replyTo)))
            events += engine.process(event)
            return id
        }

        mutating func react(_ nick: String, _ key: String, to target: MessageID) {
            clock += 5
            let event = ChatEvent(
                network: "test", channel: "#rapport", sender: ChatUser(nick: nick), time: Date(timeIntervalSince1970: clock),
                kind: .reaction(target: target, key: key))
            events += engine.process(event)
        }

        var thanked: [String] { events.filter { $0.kind == .thanked }.map { "\($0.from)→\($0.to)" } }
        var answered: [String] { events.filter { $0.kind == .answered }.map { "\($0.to) answered \($0.from)" } }
    }

    @Test func thanksAfterAnAnswerCreditsTheHelper() {
        var chat = Chat()
        chat.say("alice", "how do I mount a usb stick?")
        chat.say("bob", "alice: plug it in and open Files, it mounts itself")
        chat.say("alice", "thanks bob")
        #expect(chat.answered == ["bob answered alice"])
        #expect(chat.thanked == ["alice→bob"])
    }

    @Test func aQuestionOfOneselfAfterAnotherIsNoAnswerUnlessItRepliesToTheAsker() {
        var chat = Chat()
        chat.say("bob", "how do I mount a usb stick?")
        chat.say("erin", "how do I mount an ntfs usb drive on ubuntu?")
        chat.say("erin", "anyone here using kde plasma?")
        chat.say("gina", "anyone here using kde plasma?")
        #expect(chat.answered == [])
        chat.say("alice", "how do I mount an ntfs usb drive?")
        chat.say("bob", "alice: did you install ntfs-3g?")
        let question = chat.say("carol", "why does my wifi drop every hour?")
        chat.say("dave", "is it a broadcom card?", replyTo: question)
        #expect(chat.answered == ["bob answered alice", "dave answered carol"])
    }

    @Test func unnamedThanksGoesToTheLinkedAnswer() {
        var chat = Chat()
        chat.say("alice", "how do I mount a usb stick?")
        chat.say("bob", "alice: open Files, it mounts itself")
        chat.say("alice", "that worked, thanks!")
        #expect(chat.thanked == ["alice→bob"])
    }

    @Test func explicitReplyWins() {
        var chat = Chat()
        let answer = chat.say("bob", "use lsblk to list the disks")
        chat.say("carol", "carol is here")
        chat.say("alice", "thanks!", replyTo: answer)
        #expect(chat.events.last?.detection == .reply)
        #expect(chat.thanked == ["alice→bob"])
    }

    @Test func reactionsCreditTheAuthor() {
        var chat = Chat()
        let answer = chat.say("bob", "use lsblk to list the disks")
        chat.react("alice", "🙏", to: answer)
        chat.react("alice", "😂", to: answer)
        chat.react("bob", "👍", to: answer)
        #expect(chat.thanked == ["alice→bob"])
        #expect(chat.events.last?.detection == .reaction)
    }

    @Test func neverSelfNorBots() {
        var chat = Chat()
        chat.say("ubottu", "alice: see https://help.ubuntu.com", isBot: true)
        chat.say("alice", "thanks ubottu")
        chat.say("alice", "alice++")
        #expect(chat.thanked.isEmpty)
    }

    @Test func dailyCapStopsFarming() {
        var chat = Chat()
        chat.say("bob", "alice: try lsblk")
        for _ in 0..<6 { chat.say("alice", "thanks bob") }
        #expect(chat.thanked.count == ReciprocityEngine.Configuration().dailyCapPerPair)
    }

    @Test func dailyCapCountsNicksThatDifferOnlyInCaseAsOnePerson() {
        var chat = Chat()
        chat.say("Bob", "alice: try lsblk")
        for (thanker, helper) in [("alice", "bob"), ("ALICE", "Bob"), ("Alice", "BOB"), ("alice", "BOB"), ("aLiCe", "bob")] {
            chat.say(thanker, "thanks \(helper)")
        }
        #expect(chat.thanked.count == ReciprocityEngine.Configuration().dailyCapPerPair)
    }

    @Test func dailyCapKeepsOtherPairsApart() {
        var chat = Chat()
        chat.say("bob", "alice: try lsblk")
        chat.say("carol", "alice: or fdisk -l")
        for _ in 0..<6 { chat.say("alice", "thanks bob") }
        chat.say("alice", "thanks carol")
        chat.say("dave", "thanks bob")
        #expect(chat.thanked.filter { $0 == "alice→carol" || $0 == "dave→bob" }.count == 2)
    }

    @Test func noThanksAndThanksInAdvanceCreditNobody() {
        var chat = Chat()
        chat.say("bob", "alice: want a hand?")
        chat.say("alice", "bob: no thanks")
        chat.say("alice", "how do I resize a partition? thanks in advance")
        #expect(chat.thanked.isEmpty)
    }

    @Test("nick++ credits a member present; c++, notepad++ and a word that is nobody here credit nobody")
    func plusPlusCreditsMembersOnly() {
        var chat = Chat()
        chat.say("bob", "alice: install build-essential, it has g++")
        chat.say("alice", "is the notepad++ plugin any good? I miss it from windows")
        chat.say("alice", "lvm++")
        chat.say("alice", "c++ is hard")
        #expect(chat.thanked.isEmpty)
        chat.say("alice", "bob++")
        #expect(chat.thanked == ["alice→bob"])
    }

    @Test("a leading <nick> addresses a member present, and quotes anyone else")
    func angleNickAddressesMembersOnly() {
        var chat = Chat()
        chat.say("bob", "alice: run sudo update-grub")
        chat.say("alice", "<carol> thanks, that did it")
        #expect(chat.thanked.isEmpty)
        chat.say("alice", "<bob> thanks, that did it")
        #expect(chat.thanked == ["alice→bob"])
    }

    @Test("a thanks to the channel's bot credits nobody, even before the bot said anything")
    func thanksToAnAbsentBotCreditsNobody() {
        var chat = Chat(engine: ReciprocityEngine(configuration: .init(botNicks: ["ubottu"])))
        chat.say("alice", "how do I resize a partition?")
        chat.say("bob", "alice: use gparted from a live usb")
        chat.say("alice", "ubottu: thanks for the link")
        #expect(chat.thanked.isEmpty)
    }

    @Test("a thanks after a question credits the one who answered the thanker, and nobody when no one did")
    func thanksAfterAQuestionNeedsHelpGiven() {
        var chat = Chat()
        chat.say("carol", "will the upgrade download everything again? thanks for reading this, it is a long story")
        #expect(chat.thanked.isEmpty)
        chat.say("alice", "how do I resize a partition?")
        chat.say("bob", "alice: use gparted from a live usb")
        chat.say("alice", "that's all it takes? thanks a lot, that was quick")
        #expect(chat.thanked == ["alice→bob"])
    }
}
