import RapportCore

/// Running totals of the ledger, so that statistics about a busy channel read a few hundred
/// rows however many events it has. Per channel and calendar period (`all`, every week
/// `w<number>`, every month `m<number>`, see ``HelpPeriod``):
/// - `thanks_tally_pair`: the answers and thanks that went from one helper to one person;
/// - `thanks_tally_helper`: each helper's answers and thanks, and the time of their first answer;
/// - `thanks_tally_day`: the channel's answers and thanks per UTC day.
///
/// ``record(_:casemapping:reason:giver:receiver:)`` adds each event to its tallies in the same
/// transaction, and ``forget(_:)`` takes a person's events out of them (``TallyChanges``); a bulk
/// import of events calls ``recount()`` afterwards. Only the `all` rows keep `first_answer_at`.
extension ThanksLedger {
    static let tallies = Migration(
        6, "Running totals per channel, calendar period, helper and helped person, and per day",
        [addMonth, "UPDATE thanks_event SET month = \(monthSQLite)"] + tallyTables + recountStatements(scope: "1 = 1"),
        postgres: [addMonth, "UPDATE thanks_event SET month = \(monthPostgres)"] + tallyTables + recountStatements(scope: "1 = 1"))

    private static let addMonth = "ALTER TABLE thanks_event ADD COLUMN month INTEGER NOT NULL DEFAULT 0"

    /// The month number (``HelpPeriod``) of the `at` column, in each dialect: for the migration,
    /// and for bulk loads (`UPDATE thanks_event SET month = …`, then ``recount()``).
    public static let monthSQLite = "CAST(strftime('%Y', at, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', at, 'unixepoch') AS INTEGER) - 1"
    public static let monthPostgres = """
        CAST(EXTRACT(YEAR FROM to_timestamp(at) AT TIME ZONE 'UTC') AS INTEGER) * 12
            + CAST(EXTRACT(MONTH FROM to_timestamp(at) AT TIME ZONE 'UTC') AS INTEGER) - 1
        """

    private static let tallyTables = [
        """
        CREATE TABLE thanks_tally_pair (
            network TEXT NOT NULL, channel TEXT NOT NULL, period TEXT NOT NULL, helper TEXT NOT NULL, helped TEXT NOT NULL,
            helper_nick TEXT NOT NULL, helped_nick TEXT NOT NULL, answers INTEGER NOT NULL, thanks INTEGER NOT NULL,
            weight INTEGER NOT NULL, PRIMARY KEY (network, channel, period, helper, helped))
        """,
        "CREATE INDEX thanks_tally_pair_weight ON thanks_tally_pair (network, channel, period, weight DESC, helper, helped)",
        """
        CREATE TABLE thanks_tally_helper (
            network TEXT NOT NULL, channel TEXT NOT NULL, period TEXT NOT NULL, helper TEXT NOT NULL, nick TEXT NOT NULL,
            answers INTEGER NOT NULL, thanks INTEGER NOT NULL, first_answer_at DOUBLE PRECISION,
            PRIMARY KEY (network, channel, period, helper))
        """,
        "CREATE INDEX thanks_tally_helper_first ON thanks_tally_helper (network, channel, period, first_answer_at)",
        """
        CREATE TABLE thanks_tally_day (
            network TEXT NOT NULL, channel TEXT NOT NULL, day INTEGER NOT NULL, answers INTEGER NOT NULL, thanks INTEGER NOT NULL,
            PRIMARY KEY (network, channel, day))
        """,
    ]

    /// The tally periods of an event on `day` in `month`: all time, its week, its month.
    static func periodKeys(day: Int64, month: Int64) -> [String] { ["all", "w\(HelpPeriod.weekNumber(day))", "m\(month)"] }

    /// Statements that compute the tallies of the events matching `scope` (a condition on
    /// `network` and `channel`) afresh.
    static func recountStatements(scope: String) -> [String] {
        let answers = "SUM(CASE WHEN kind = 'answered' THEN 1 ELSE 0 END)", thanks = "SUM(CASE WHEN kind = 'thanked' THEN 1 ELSE 0 END)"
        let firstAnswer = "MIN(CASE WHEN kind = 'answered' THEN at END)"
        // PostgreSQL refuses a constant in GROUP BY, hence no grouping term for `all`.
        let periods: [(key: String, group: String)] = [("'all'", ""), ("'w' || ((day + 3) / 7)", ", day"), ("'m' || month", ", month")]
        var statements = ["thanks_tally_pair", "thanks_tally_helper", "thanks_tally_day"].map { "DELETE FROM \($0) WHERE \(scope)" }
        for period in periods {
            // Grouping by `day` is finer than by week; the outer query sums the days of each week.
            statements.append(
                """
                INSERT INTO thanks_tally_pair (network, channel, period, helper, helped, helper_nick, helped_nick, answers, thanks, weight)
                SELECT network, channel, period, receiver, giver, MAX(receiver_nick), MAX(giver_nick), SUM(answers), SUM(thanks), SUM(n)
                FROM (SELECT network, channel, \(period.key) AS period, receiver, giver, MAX(receiver_nick) AS receiver_nick,
                          MAX(giver_nick) AS giver_nick, \(answers) AS answers, \(thanks) AS thanks, COUNT(*) AS n
                      FROM thanks_event WHERE \(scope) GROUP BY network, channel\(period.group), receiver, giver) e
                GROUP BY network, channel, period, receiver, giver
                """)
            statements.append(
                """
                INSERT INTO thanks_tally_helper (network, channel, period, helper, nick, answers, thanks, first_answer_at)
                SELECT network, channel, period, receiver, MAX(receiver_nick), SUM(answers), SUM(thanks), MIN(first_answer_at)
                FROM (SELECT network, channel, \(period.key) AS period, receiver, MAX(receiver_nick) AS receiver_nick,
                          \(answers) AS answers, \(thanks) AS thanks, \(period.key == "'all'" ? firstAnswer : "CAST(NULL AS DOUBLE PRECISION)") AS first_answer_at
                      FROM thanks_event WHERE \(scope) GROUP BY network, channel\(period.group), receiver) e
                GROUP BY network, channel, period, receiver
                """)
        }
        statements.append(
            """
            INSERT INTO thanks_tally_day (network, channel, day, answers, thanks)
            SELECT network, channel, day, \(answers), \(thanks) FROM thanks_event WHERE \(scope) GROUP BY network, channel, day
            """)
        return statements
    }

    /// Computes every channel's tallies afresh from its events: after a bulk load.
    public func recount() async throws {
        try await sql.transaction { db in
            for statement in Self.recountStatements(scope: "1 = 1") { try await db.execute(statement, []) }
        }
    }
}
