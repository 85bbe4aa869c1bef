import RapportCore
import Testing

struct CommandParserTests {
    let parser = CommandParser(prefix: "!", botNick: "rapport")

    @Test func prefixedCommandWithArguments() throws {
        let match = try #require(parser.parse("!thanks bob for the fix", isDirect: false))
        #expect(match.name == "thanks")
        #expect(match.arguments == ["bob", "for", "the", "fix"])
        #expect(match.argumentText == "bob for the fix")
        #expect(!match.addressed)
    }

    @Test(arguments: ["rapport: help", "rapport, help", "Rapport:help", "@rapport help", "RAPPORT, help"])
    func addressingTheBotByName(text: String) throws {
        let match = try #require(parser.parse(text, isDirect: false))
        #expect(match.name == "help")
        #expect(match.addressed)
    }

    @Test func directMessagesNeedNoPrefix() throws {
        #expect(try #require(parser.parse("ping", isDirect: true)).name == "ping")
        #expect(parser.parse("ping", isDirect: false) == nil)
    }

    @Test(arguments: ["hello there", "!", "! ping", "!!!", "rapportbot: help", "rapport:", "rapport", "wow!ping"])
    func ordinaryChatIsNotACommand(text: String) {
        #expect(parser.parse(text, isDirect: false) == nil)
    }

    @Test func quotedArgumentsStayTogether() {
        #expect(CommandParser.split(#"bob "great answer" 'single quoted' don't"#) == ["bob", "great answer", "single quoted", "don't"])
        #expect(CommandParser.split(#"say """#) == ["say", ""])
        #expect(CommandParser.split(#"unterminated "quote here"#) == ["unterminated", "quote here"])
    }

    @Test func customPrefixAndNickCasemapping() throws {
        let parser = CommandParser(prefix: ".", botNick: "Bot[1]", casemapping: .rfc1459)
        #expect(try #require(parser.parse(".top week", isDirect: false)).name == "top")
        #expect(try #require(parser.parse("bot{1}: top", isDirect: false)).name == "top")
        #expect(parser.parse("!top", isDirect: false) == nil)
    }
}
