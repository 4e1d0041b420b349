package targetwatch.routes.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.store.Commentary;
import targetwatch.engine.store.JdbcStore;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * The report's words and periods, each boundary as a pair (one side of it, then the other), and a report built over
 * the real rule set: grouped by the plan's priorities, counted, the reds faced first, the engine's ratings as they are.
 */
class ReportViewsTest {

    private static final LocalDate DUE = LocalDate.of(2016, 2, 14);

    private static Assessment rated(String indicator, String period, String actual, Rating rating, Direction direction,
                                    Direction yearOnYear) {
        return new Assessment("maidstone", indicator, "maidstone", Period.parse(period), new BigDecimal(actual),
                new BigDecimal("20"), rating, direction, yearOnYear, 2);
    }

    // ---- the status words

    @Test
    void a_period_without_a_reading_is_awaiting_data_the_day_before_it_is_due_and_has_no_reading_on_its_due_day() {
        ReportViews.Status before = ReportViews.status(null, DUE, DUE.minusDays(1));
        assertEquals(ReportViews.Standing.AWAITING, before.standing());
        assertEquals("Awaiting data (due 14 Feb)", before.words());

        ReportViews.Status onTheDay = ReportViews.status(null, DUE, DUE);
        assertEquals(ReportViews.Standing.NO_READING, onTheDay.standing());
        assertEquals("No reading", onTheDay.words(), "chased as late data from its due day, as the engine does");
    }

    @Test
    void a_rated_period_says_the_engine_s_rating_in_words_even_before_its_reading_was_due() {
        assertEquals("On track", ReportViews.status(rated("asb-satisfaction", "2015-Q4", "86", Rating.GREEN, Direction.NONE,
                Direction.NONE), DUE, DUE.minusDays(30)).words());
        assertEquals(List.of("Off track", "At risk", "On track", "No reading"), List.of(Rating.RED, Rating.AMBER,
                Rating.GREEN, Rating.GREY).stream().map(r -> ReportViews.status(rated("x", "2015-Q4", "1", r, Direction.NONE,
                Direction.NONE), DUE, DUE).words()).toList());
        assertEquals(ReportViews.Standing.OFF_TRACK, ReportViews.status(rated("x", "2015-Q4", "1", Rating.RED,
                Direction.NONE, Direction.NONE), DUE, DUE).standing());
    }

    // ---- the direction of travel, as the engine works it out with the target's polarity

    private static String travel(String before, String now, Polarity polarity) {
        return ReportViews.travel(Direction.between(before == null ? null : new BigDecimal(before), new BigDecimal(now), polarity));
    }

    @Test
    void equal_values_are_no_change_whatever_the_polarity() {
        assertEquals("No change", travel("52", "52", Polarity.LOWER));
        assertEquals("No change", travel("52", "52", Polarity.HIGHER));
        assertEquals("No change", travel("52", "52", Polarity.NONE));
    }

    @Test
    void a_fall_is_better_where_lower_is_better_and_worse_where_higher_is() {
        assertEquals("Better", travel("52", "48", Polarity.LOWER));
        assertEquals("Worse", travel("52", "48", Polarity.HIGHER));
        assertEquals("Worse", travel("52", "56", Polarity.LOWER));
        assertEquals("Better", travel("52", "56", Polarity.HIGHER));
    }

    @Test
    void a_change_of_one_percent_is_no_change_and_just_over_it_counts() {
        assertEquals("No change", travel("100", "99", Polarity.LOWER));
        assertEquals("Better", travel("100", "98.99", Polarity.LOWER));
        assertEquals("No change", travel("100", "101", Polarity.HIGHER));
        assertEquals("Better", travel("100", "101.01", Polarity.HIGHER));
    }

    @Test
    void any_change_beyond_one_percent_is_worse_where_either_direction_is_worse_and_nothing_before_is_not_comparable() {
        assertEquals("Worse", travel("39.62", "42", Polarity.NONE));
        assertEquals("Worse", travel("39.62", "37", Polarity.NONE));
        assertEquals("Not comparable", travel(null, "37", Polarity.NONE));
    }

    // ---- which periods a quarter's report shows

    @Test
    void an_indicator_s_period_for_a_quarter_is_its_latest_ended_by_the_quarter_s_last_day() {
        LocalDate end = LocalDate.of(2015, 12, 31);
        assertEquals(Period.parse("2015-12"), ReportViews.latestEndedBy(Frequency.MONTH, end));
        assertEquals(Period.parse("2015-Q4"), ReportViews.latestEndedBy(Frequency.QUARTER, end));
        assertEquals(Period.parse("2015"), ReportViews.latestEndedBy(Frequency.YEAR, end));
        assertEquals(Period.parse("2015-Q3"), ReportViews.latestEndedBy(Frequency.QUARTER, end.minusDays(1)));
        assertEquals(Period.parse("2014"), ReportViews.latestEndedBy(Frequency.YEAR, end.minusDays(1)));
        assertEquals(Period.parse("2014/15"), ReportViews.latestEndedBy(Frequency.FINANCIAL_YEAR, end));
    }

    @Test
    void the_year_end_beside_a_quarter_is_the_latest_financial_year_ended_by_it() {
        assertEquals(Period.parse("2015/16"), ReportViews.yearEnd(Period.parse("2016-Q1")), "January to March ends the year");
        assertEquals(Period.parse("2014/15"), ReportViews.yearEnd(Period.parse("2015-Q4")));
        assertEquals(Period.parse("2014/15"), ReportViews.yearEnd(Period.parse("2015-Q2")));
    }

    @Test
    void the_report_shows_the_latest_complete_quarter_unless_asked() {
        assertEquals(Period.parse("2015-Q4"), ReportViews.defaultQuarter(LocalDate.of(2016, 1, 1)));
        assertEquals(Period.parse("2015-Q3"), ReportViews.defaultQuarter(LocalDate.of(2015, 12, 31)),
                "a quarter is complete once its last day has passed");
    }

    @Test
    void a_lead_writes_the_commentary_of_its_own_targets_the_secretariat_of_any_and_a_viewer_of_none() throws Exception {
        RuleSet rules = new RuleSetLoader().load(Path.of("../rules"));
        var ksi = rules.targetFor("maidstone", "ksi-casualties").orElseThrow();
        assertTrue(ReportViews.mayComment(new Users.Principal("nick", Role.LEAD, List.of("lead-road-safety")), ksi));
        assertFalse(ReportViews.mayComment(new Users.Principal("ian", Role.LEAD, List.of("lead-domestic-abuse")), ksi));
        assertTrue(ReportViews.mayComment(new Users.Principal("sec", Role.SECRETARIAT), ksi));
        assertFalse(ReportViews.mayComment(new Users.Principal("view", Role.VIEWER, List.of("lead-road-safety")), ksi),
                "a viewer tied to the contact still only reads");
    }

    // ---- a whole report

    @Test
    void a_report_groups_every_target_by_priority_counts_each_status_and_faces_the_reds_first(@TempDir Path db)
            throws Exception {
        RuleSet rules = new RuleSetLoader().load(Path.of("../rules"));
        Instant now = Instant.parse("2016-02-01T10:00:00Z");
        List<Assessment> engine = List.of(
                rated("asb-satisfaction", "2015-Q3", "84", Rating.GREEN, Direction.NONE, Direction.NONE),
                rated("asb-satisfaction", "2015-Q4", "83.1", Rating.AMBER, Direction.WORSENING, Direction.IMPROVING),
                rated("asb-satisfaction", "2015-Q1", "86", Rating.GREEN, Direction.NONE, Direction.NONE),
                rated("ksi-casualties", "2015", "68", Rating.RED, Direction.WORSENING, Direction.WORSENING),
                rated("da-repeat-victims", "2015-Q4", "25", Rating.RED, Direction.STABLE, Direction.NONE),
                rated("asb-incidents-per-1000", "2015-12", "18", Rating.GREEN, Direction.IMPROVING, Direction.IMPROVING),
                rated("asb-incidents-per-1000", "2015-Q4", "99", Rating.RED, Direction.NONE, Direction.NONE),
                new Assessment("maidstone", "ksi-casualties", "kent", Period.parse("2015"), BigDecimal.ONE, BigDecimal.ONE,
                        Rating.GREEN, Direction.NONE, Direction.NONE, 10));
        try (JdbcStore store = JdbcStore.open("jdbc:h2:file:" + db.resolve("t").toAbsolutePath(), "", "")) {
            store.addCommentary(new Commentary("maidstone", "ksi-casualties", "maidstone", Period.parse("2015-Q4"),
                    "Two fatal collisions on the A20", "nick", now.minusSeconds(86_400)));
            ReportViews.Report r = ReportViews.report(rules, engine, store, new Users.Principal("nick", Role.LEAD,
                    List.of("lead-road-safety")), Period.parse("2015-Q4"), ReportViews.scope(engine, null, null), now, null);

            assertEquals("maidstone", r.area(), "the area with the most assessments, not the comparator");
            assertEquals(List.of("ASB", "Domestic abuse", "Reducing reoffending", "Road safety", "Substance misuse"),
                    r.groups().stream().map(ReportViews.Group::name).toList(), "the plan's priorities, as targets.csv orders them");
            assertEquals(rules.targets().size(), r.groups().stream().mapToInt(g -> g.lines().size()).sum());

            ReportViews.Line satisfaction = r.line("asb-satisfaction").orElseThrow();
            assertEquals(List.of("2015-Q4", "83.1", "20", "At risk", "Worse", "Better"), List.of(satisfaction.period(),
                    satisfaction.actual(), satisfaction.expected(), satisfaction.status().words(), satisfaction.sincePrevious(),
                    satisfaction.sinceYearBefore()));
            assertEquals("2015-Q1", satisfaction.yearEndPeriod(), "the quarter that closed 2014/15");
            assertEquals("On track", satisfaction.yearEnd().words());
            assertEquals(List.of("2015-Q1", "2015-Q3", "2015-Q4"), satisfaction.figures().stream()
                    .map(AlertViews.SeriesRow::period).toList(), "charted up to the quarter, oldest first");
            assertFalse(satisfaction.mayComment(), "the road-safety lead's report offers no pen on ASB");

            ReportViews.Line asb = r.line("asb-incidents-per-1000").orElseThrow();
            assertEquals(List.of("2015-12", "On track"), List.of(asb.period(), asb.status().words()),
                    "a monthly indicator reports the quarter's last month; a reading in another notation is not its period");

            ReportViews.Line repeat = r.line("da-repeat-victims").orElseThrow();
            assertEquals("No change", repeat.sincePrevious());
            ReportViews.Line marac = r.line("da-marac-police-referrals").orElseThrow();
            assertEquals(List.of("–", "–", "Awaiting data (due 14 Feb)", "Not comparable"), List.of(marac.actual(),
                    marac.expected(), marac.status().words(), marac.sincePrevious()), "due 45 days after the quarter");
            assertEquals("No reading", r.line("needles-collected").orElseThrow().status().words(),
                    "2015 was due 30 days after it ended, before 1 February 2016");

            ReportViews.Line ksi = r.line("ksi-casualties").orElseThrow();
            assertEquals("Two fatal collisions on the A20", ksi.commentary().text());
            assertEquals("nick", ksi.commentary().author());
            assertTrue(ksi.mayComment());
            assertNull(satisfaction.commentary());

            assertEquals(List.of("da-repeat-victims", "ksi-casualties", "asb-satisfaction"), r.faced().stream()
                    .map(ReportViews.Line::indicator).toList());
            assertEquals(List.of(ReportViews.Standing.OFF_TRACK, ReportViews.Standing.OFF_TRACK, ReportViews.Standing.AT_RISK),
                    r.faced().stream().map(l -> l.status().standing()).toList(), "the reds first, then the ambers");
            assertEquals(List.of("OFF_TRACK 2", "AT_RISK 1", "ON_TRACK 1", "AWAITING 7", "NO_READING 4"), r.counts().stream()
                    .map(c -> c.standing() + " " + c.count()).toList());
        }
    }
}
