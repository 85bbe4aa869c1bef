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
/// import of events calls ``recount(months:)`` afterwards. Only the `all` rows keep `first_answer_at`.
extension ThanksLedger {
    static let tallies = Migration(
        6, "Running totals per channel, calendar period, helper and helped person, and per day",
        [addMonth] + tallyTables + recountStatements(months: monthSQLite),
        postgres: [addMonth] + tallyTables + recountStatements(months: monthPostgres))

    private static let addMonth = "ALTER TABLE thanks_event ADD COLUMN month INTEGER NOT NULL DEFAULT 0"

    /// The month number (``HelpPeriod``) of the `at` column, in each dialect: for the migration,
    /// and for ``recount(months:)`` after a bulk load of events without their month.
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

    /// Statements that compute every tally afresh from the events; with `months`, they first set
    /// each event's month with that expression (``monthSQLite``, ``monthPostgres``). The period
    /// keys are the ones ``TallyChanges`` writes, in SQL.
    static func recountStatements(months: String? = nil) -> [String] {
        let answers = "SUM(CASE WHEN kind = 'answered' THEN 1 ELSE 0 END)", thanks = "SUM(CASE WHEN kind = 'thanked' THEN 1 ELSE 0 END)"
        let firstAnswer = "MIN(CASE WHEN kind = 'answered' THEN at END)"
        // PostgreSQL refuses a constant in GROUP BY, hence no grouping term for `all`.
        let periods: [(key: String, group: String)] = [("'all'", ""), ("'w' || ((day + 3) / 7)", ", day"), ("'m' || month", ", month")]
        var statements = months.map { ["UPDATE thanks_event SET month = \($0)"] } ?? []
        statements += ["thanks_tally_pair", "thanks_tally_helper", "thanks_tally_day"].map { "DELETE FROM \($0)" }
        for period in periods {
            // Grouping by `day` is finer than by week; the outer query sums the days of each week.
            statements.append(
                """
                INSERT INTO thanks_tally_pair (network, channel, period, helper, helped, helper_nick, helped_nick, answers, thanks, weight)
                SELECT network, channel, period, receiver, giver, MAX(receiver_nick), MAX(giver_nick), SUM(answers), SUM(thanks), SUM(n)
                FROM (SELECT network, channel, \(period.key) AS period, receiver, giver, MAX(receiver_nick) AS receiver_nick,
                          MAX(giver_nick) AS giver_nick, \(answers) AS answers, \(thanks) AS thanks, COUNT(*) AS n
                      FROM thanks_event GROUP BY network, channel\(period.group), receiver, giver) e
                GROUP BY network, channel, period, receiver, giver
                """)
            statements.append(
                """
                INSERT INTO thanks_tally_helper (network, channel, period, helper, nick, answers, thanks, first_answer_at)
                SELECT network, channel, period, receiver, MAX(receiver_nick), SUM(answers), SUM(thanks), MIN(first_answer_at)
                FROM (SELECT network, channel, \(period.key) AS period, receiver, MAX(receiver_nick) AS receiver_nick,
                          \(answers) AS answers, \(thanks) AS thanks, \(period.key == "'all'" ? firstAnswer : "CAST(NULL AS DOUBLE PRECISION)") AS first_answer_at
                      FROM thanks_event GROUP BY network, channel\(period.group), receiver) e
                GROUP BY network, channel, period, receiver
                """)
        }
        statements.append(
            """
            INSERT INTO thanks_tally_day (network, channel, day, answers, thanks)
            SELECT network, channel, day, \(answers), \(thanks) FROM thanks_event GROUP BY network, channel, day
            """)
        return statements
    }

    /// Computes every channel's tallies afresh from its events: after a bulk load. `months` sets
    /// the events' month first, for rows loaded without it (``monthSQLite``, ``monthPostgres``).
    public func recount(months: String? = nil) async throws {
        try await sql.transaction { db in
            for statement in Self.recountStatements(months: months) { try await db.execute(statement, []) }
        }
    }
}
