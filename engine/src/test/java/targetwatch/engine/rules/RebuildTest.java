package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.DesignFormulas.assertNumber;
import static targetwatch.engine.TestReadings.maidstone;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;

/**
 * RuleEngine.rebuild: the readings an engine holds replayed under a candidate rule set beside it, and what
 * that would change: ratings, alerts and the alert events that announce them with the reason "rule change".
 * The real rule set rates ksi-casualties against a trajectory from 58 (2011-09-30) to 40 (2018-03-31); the
 * candidates tighten that target to 30, or drop the perception-drugs row.
 */
class RebuildTest {

    private static final String KSI = "ksi-casualties";
    private static final String DRUGS = "perception-drugs";

    private static CompiledRules real;
    /** KSI tightened to 30: 2017 expected 31.06 (amber to 32.61) instead of 40.68 (amber to 42.71). */
    private static CompiledRules ksiTo30;
    /** The perception-drugs row removed. */
    private static CompiledRules withoutDrugs;

    @BeforeAll
    static void compile(@TempDir Path tighter, @TempDir Path fewer) throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        real = compiler.load(RuleFolders.real());
        RuleFolders.editCell(RuleFolders.copyOfReal(tighter).resolve("targets.csv"), KSI, "target", "30");
        ksiTo30 = compiler.load(tighter);
        RuleFolders.removeRow(RuleFolders.copyOfReal(fewer).resolve("targets.csv"), DRUGS);
        withoutDrugs = compiler.load(fewer);
    }

    private static SeriesKey ksi(String area) {
        return new SeriesKey("maidstone", KSI, area);
    }

    private static String describe(RuleEngine.RatingChange c) {
        return c.series().area() + " " + c.period() + " " + (c.before() == null ? "none" : c.before().rating()) + " -> "
                + (c.after() == null ? "none" : c.after().rating());
    }

    @Test
    void a_rebuild_lists_every_rating_or_expected_value_that_the_candidate_changes_and_nothing_else() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given KSI counts before the baseline date (rated against the baseline under any target), green in
            // 2013 under either target, amber in 2014 under 40, and a reading of another indicator
            engine.submit(maidstone(KSI, "maidstone", "2010", "57"));
            engine.submit(maidstone(KSI, "maidstone", "2013", "48"));
            engine.submit(maidstone(KSI, "maidstone", "2014", "51"));
            engine.submit(maidstone(DRUGS, "maidstone", "2017", "3.9"));

            // when it is rebuilt with the KSI target tightened to 30
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(ksiTo30)) {
                // then exactly the two KSI periods after the baseline date change: 2013's expected value, 2014's rating
                assertEquals(List.of("maidstone 2013 GREEN -> GREEN", "maidstone 2014 AMBER -> RED"),
                        rebuilt.ratings().stream().map(RebuildTest::describe).toList());
                RuleEngine.RatingChange y2013 = rebuilt.ratings().get(0);
                assertNumber("51.76", y2013.before().expected());
                assertNumber("48.29", y2013.after().expected());
                assertEquals(List.of(y2013.after(), rebuilt.ratings().get(1).after()), rebuilt.changedAssessments());
            }
        }
    }

    @Test
    void a_bounded_rebuild_lists_at_most_its_limit_of_each_and_counts_the_rest_and_one_at_the_limit_lists_all()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            engine.submit(maidstone(KSI, "maidstone", "2013", "48"));
            engine.submit(maidstone(KSI, "maidstone", "2014", "51"));
            // two rating changes (2013's expected value, 2014's rating): a limit of one lists one and counts one more
            RuleEngine next = RuleEngine.restoring(ksiTo30);
            next.submitAll(engine.heldReadings());
            try (RuleEngine.Rebuilt bounded = engine.rebuildFrom(next, 1)) {
                assertEquals(List.of("maidstone 2013 GREEN -> GREEN"), bounded.ratings().stream().map(RebuildTest::describe).toList());
                assertEquals(1, bounded.ratingsLeftOut());
                assertEquals(false, bounded.complete());
            }
            RuleEngine again = RuleEngine.restoring(ksiTo30);
            again.submitAll(engine.heldReadings());
            try (RuleEngine.Rebuilt atLimit = engine.rebuildFrom(again, 2)) {
                assertEquals(2, atLimit.ratings().size());
                assertEquals(0, atLimit.ratingsLeftOut());
                assertEquals(true, atLimit.complete());
            }
        }
    }

    @Test
    void a_preview_leaves_the_running_engine_as_it_was() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given an engine holding a red KSI year
            engine.submit(maidstone(KSI, "maidstone", "2016", "63"));
            List<Assessment> before = engine.assessments();
            Map<SeriesKey, Rating> alertsBefore = engine.openAlerts();

            // when a candidate is previewed and the preview closed
            engine.rebuild(ksiTo30).close();

            // then the engine holds what it held, and still rates under its own rule set
            assertEquals(before, engine.assessments());
            assertEquals(alertsBefore, engine.openAlerts());
            Outcome next = engine.process(maidstone(KSI, "maidstone", "2017", "68"));
            assertNumber("40.68", next.assessments().get(0).expected());
            assertEquals(real.ruleSet(), engine.ruleSet());
        }
    }

    @Test
    void an_alert_open_under_both_rule_sets_with_the_same_severity_stays_one_alert_and_says_nothing() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given a red KSI year, red under the tighter target too
            engine.submit(maidstone(KSI, "maidstone", "2017", "68"));
            assertEquals(Map.of(ksi("maidstone"), Rating.RED), engine.openAlerts());

            // when the target is tightened
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(ksiTo30)) {
                // then its expected value changes, but the alert is the same one: no change, no event
                assertEquals(List.of("maidstone 2017 RED -> RED"), rebuilt.ratings().stream().map(RebuildTest::describe).toList());
                assertEquals(List.of(), rebuilt.alerts());
                assertEquals(List.of(), rebuilt.events());
                assertEquals(Map.of(ksi("maidstone"), Rating.RED), rebuilt.engine().openAlerts());
            }
        }
    }

    @Test
    void alerts_the_new_rules_open_or_worsen_are_announced_with_the_reason_rule_change() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given Maidstone green in 2017 under a target of 40 and Kent amber
            engine.submit(maidstone(KSI, "maidstone", "2017", "35"));
            engine.submit(maidstone(KSI, "kent", "2017", "42"));
            assertEquals(Map.of(ksi("kent"), Rating.AMBER), engine.openAlerts());

            // when the target is tightened to 30
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(ksiTo30)) {
                // then Maidstone's alert opens red and Kent's worsens to red
                assertEquals(List.of(new RuleEngine.AlertChange(ksi("kent"), Rating.AMBER, Rating.RED),
                        new RuleEngine.AlertChange(ksi("maidstone"), null, Rating.RED)), rebuilt.alerts());
                AlertEvent worsened = rebuilt.events().get(0);
                AlertEvent raised = rebuilt.events().get(1);
                assertAll(
                        () -> assertEquals(2, rebuilt.events().size()),
                        () -> assertEquals(AlertEventType.WORSENED, worsened.type()),
                        () -> assertEquals("kent", worsened.area()),
                        () -> assertEquals(Rating.AMBER, worsened.previousSeverity()),
                        () -> assertEquals(Rating.RED, worsened.severity()),
                        () -> assertEquals(RuleEngine.RULE_CHANGE, worsened.reason()),
                        () -> assertEquals(AlertEventType.RAISED, raised.type()),
                        () -> assertEquals("maidstone", raised.area()),
                        () -> assertNull(raised.previousSeverity()),
                        () -> assertEquals(Rating.RED, raised.severity()),
                        () -> assertNumber("31.06", raised.expected()),
                        () -> assertEquals("lead-road-safety", raised.recipient()),
                        () -> assertEquals(RuleEngine.RULE_CHANGE, raised.reason()));
                assertEquals(Map.of(ksi("kent"), Rating.RED, ksi("maidstone"), Rating.RED), rebuilt.engine().openAlerts());
            }
        }
    }

    @Test
    void an_alert_the_new_rules_clear_resolves_with_the_reason_rule_change_and_continues_its_series_numbering()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(ksiTo30)) {
            // given a KSI year red under a target of 30, whose alert was raised as the series' first event
            AlertEvent first = engine.process(maidstone(KSI, "maidstone", "2017", "35")).alertEvents().get(0);
            assertEquals(1, first.sequence());

            // when the target is loosened to the real rule set's 40
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(real)) {
                // then the alert resolves, saying a rule change did it, as the series' second event
                assertEquals(List.of(new RuleEngine.AlertChange(ksi("maidstone"), Rating.RED, null)), rebuilt.alerts());
                AlertEvent resolved = rebuilt.events().get(0);
                assertAll(
                        () -> assertEquals(1, rebuilt.events().size()),
                        () -> assertEquals(AlertEventType.RESOLVED, resolved.type()),
                        () -> assertEquals(Rating.GREEN, resolved.severity()),
                        () -> assertEquals(Rating.RED, resolved.previousSeverity()),
                        () -> assertEquals(RuleEngine.RULE_CHANGE, resolved.reason()),
                        () -> assertEquals(2, resolved.sequence()),
                        () -> assertNotEquals(first.id(), resolved.id()));
                assertEquals(Map.of(), rebuilt.engine().openAlerts());

                // and once adopted, the next event of the series is its third
                AlertEvent next = rebuilt.engine().process(maidstone(KSI, "maidstone", "2018", "60")).alertEvents().get(0);
                assertEquals(AlertEventType.RAISED, next.type());
                assertEquals(3, next.sequence());
            }
        }
    }

    @Test
    void the_rebuilt_engine_holds_the_latest_revision_of_every_reading_and_rates_new_ones_under_the_candidate()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given a provisional KSI count for 2015 revised later, and other years
            engine.submit(maidstone(KSI, "maidstone", "2014", "51"));
            engine.submit(maidstone(KSI, "maidstone", "2015", "53"));
            engine.submit(maidstone(KSI, "maidstone", "2015", "56"));
            engine.submit(maidstone(DRUGS, "maidstone", "2016", "4.1"));

            // when it is rebuilt under a candidate
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(ksiTo30)) {
                RuleEngine next = rebuilt.engine();
                // then it holds the same readings, the revision in force
                assertEquals(engine.readingCount(), next.readingCount());
                assertNumber("56", next.assessment(ksi("maidstone"), Period.parse("2015")).orElseThrow().actual());
                assertEquals(engine.assessment(new SeriesKey("maidstone", DRUGS, "maidstone"), Period.parse("2016")),
                        next.assessment(new SeriesKey("maidstone", DRUGS, "maidstone"), Period.parse("2016")));

                // and rates what comes next under the candidate
                assertEquals(ksiTo30.ruleSet(), next.ruleSet());
                Assessment y2017 = next.process(maidstone(KSI, "maidstone", "2017", "20")).assessments().get(0);
                assertNumber("31.06", y2017.expected());
            }
        }
    }

    @Test
    void an_alert_whose_target_the_candidate_drops_resolves_with_the_reason_rule_change() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            // given a red perception-drugs year with its alert open
            engine.submit(maidstone(DRUGS, "maidstone", "2017", "4.5"));
            assertEquals(Rating.RED, engine.openAlerts().get(new SeriesKey("maidstone", DRUGS, "maidstone")));

            // when the candidate has no perception-drugs target
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(withoutDrugs)) {
                // then its rating goes, and its alert closes, announced to its lead as a rule change
                assertEquals(List.of("maidstone 2017 RED -> none"), rebuilt.ratings().stream().map(RebuildTest::describe).toList());
                assertEquals(List.of(new RuleEngine.AlertChange(new SeriesKey("maidstone", DRUGS, "maidstone"), Rating.RED, null)),
                        rebuilt.alerts());
                assertEquals(1, rebuilt.events().size(), "events: " + rebuilt.events());
                AlertEvent resolved = rebuilt.events().get(0);
                assertAll(
                        () -> assertEquals(AlertEventType.RESOLVED, resolved.type()),
                        () -> assertEquals(RuleEngine.RULE_CHANGE, resolved.reason()),
                        () -> assertEquals("lead-substance-misuse", resolved.recipient()),
                        () -> assertEquals(Period.parse("2017"), resolved.period()));
                assertTrue(rebuilt.engine().openAlerts().isEmpty());
            }
        }
    }
}
