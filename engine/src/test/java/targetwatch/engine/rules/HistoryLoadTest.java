package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.TestReadings.maidstone;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.Reading;

/**
 * A history is not news, on the engine's pseudo clock: readings for periods that ended before the news window (by
 * default, before the previous reporting period) are rated and their alert events kept, but delivered to nobody; each
 * person told of alerts in the history gets one summary of those open afterwards.
 *
 * <p>The clock stands at Wednesday 2 December 2026, 10:00 (2026-Q4, December 2026). da-repeat-victims is quarterly, 30
 * RED and 20 GREEN, escalated by red quarters to the SMP chair (2) and Overview and Scrutiny (3);
 * asb-incidents-per-1000 monthly, 30 RED and 20 GREEN; both are chased as late data up to the plan's end in 2018.
 */
class HistoryLoadTest {

    private static final String DA = "da-repeat-victims";
    private static final String ASB = "asb-incidents-per-1000";

    private static CompiledRules rules;
    /** The same with settings.csv making the two periods before the current one news. */
    private static CompiledRules widerWindow;

    @BeforeAll
    static void compile(@TempDir Path plain, @TempDir Path wider) throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        rules = compiler.load(RuleFolders.copyOfReal(plain));
        RuleFolders.copyOfReal(wider);
        RuleFolders.write(wider.resolve("settings.csv"), "setting,value", "history_window_periods,2");
        widerWindow = compiler.load(wider);
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(Now.ZONE).toInstant();
    }

    private static Reading da(String period, String value) {
        return maidstone(DA, "maidstone", period, value);
    }

    @Test
    void a_reading_for_the_previous_period_is_news_and_one_for_the_period_before_it_is_history() {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2026-12-02T10:00"));
            assertFalse(engine.isHistory(da("2026-Q3", "20")));
            assertTrue(engine.isHistory(da("2026-Q2", "20")));
            assertFalse(engine.isHistory(maidstone(ASB, "maidstone", "2026-11", "20")));
            assertTrue(engine.isHistory(maidstone(ASB, "maidstone", "2026-10", "20")));
        }
    }

    @Test
    void the_secretariat_can_widen_the_news_window() {
        try (RuleEngine engine = new RuleEngine(widerWindow)) {
            engine.advanceTo(at("2026-12-02T10:00"));
            assertFalse(engine.isHistory(da("2026-Q2", "20")));
            assertTrue(engine.isHistory(da("2026-Q1", "20")));
        }
    }

    @Test
    void a_history_load_delivers_nothing_but_one_summary_per_recipient_of_what_is_open_after_it() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2026-12-02T10:00"));
            List<AlertEvent> events = new ArrayList<>();
            // three red quarters (raised, then levels 2 and 3), a red month resolved by a green one, and both series then
            // stop: their late data is history too
            for (Reading r : List.of(da("2014-Q1", "30"), da("2014-Q2", "30"), da("2014-Q3", "30"),
                    maidstone(ASB, "maidstone", "2014-01", "30"), maidstone(ASB, "maidstone", "2014-02", "20"))) {
                events.addAll(engine.process(r).alertEvents());
            }
            assertEquals(Map.of(AlertEventType.RAISED, 2L, AlertEventType.ESCALATED, 5L, AlertEventType.RESOLVED, 1L,
                            AlertEventType.LATE_DATA, 2L),
                    events.stream().collect(Collectors.groupingBy(AlertEvent::type, Collectors.counting())), events.toString());
            assertEquals(List.of(), events.stream().filter(e -> !e.history()).toList(), "nothing in a history is delivered");
            assertTrue(engine.summaryOwed());

            List<AlertEvent> summaries = engine.summariseHistory();
            assertEquals(List.of("lead-asb", "lead-domestic-abuse", "overview-scrutiny", "smp-chair"),
                    summaries.stream().map(AlertEvent::recipient).toList(), "one each, and only for those with alerts open");
            assertTrue(summaries.stream().allMatch(AlertEvent::delivered));
            assertEquals(summaries.size(), summaries.stream().map(AlertEvent::sequence).distinct().count(),
                    "each summary is numbered apart, as the store keys the events of one subject by their number");
            AlertEvent lead = summaries.get(1);
            assertEquals(AlertEventType.REMINDER, lead.type());
            assertEquals(RuleEngine.SUMMARY_SUBJECT, lead.indicator());
            assertEquals("readings for past periods were loaded, and delivered to nobody one by one; of the alerts they opened"
                    + " or changed, 2 you are told of are open now: da-repeat-victims in maidstone (RED since 2014-Q1, level 3);"
                    + " da-repeat-victims in maidstone (no reading since 2014-Q3: 14 quarters missing (2014-Q4 to 2018-Q1),"
                    + " level 1)", lead.reason());
            assertEquals(1, engine.alertStates().stream().filter(a -> a.kind() == AlertKind.RATING).count());
            assertEquals(List.of(), engine.summariseHistory(), "a summary is owed once");
            assertFalse(engine.summaryOwed());

            // news afterwards reaches everyone told, the history's recipients included
            engine.advanceTo(at("2026-12-02T11:00"));
            List<AlertEvent> resolved = engine.process(da("2026-Q3", "20")).alertEvents().stream()
                    .filter(e -> e.type() == AlertEventType.RESOLVED).toList();
            assertEquals(List.of("lead-domestic-abuse", "smp-chair", "overview-scrutiny"),
                    resolved.stream().map(AlertEvent::recipient).toList());
            assertTrue(resolved.stream().allMatch(AlertEvent::delivered));
        }
    }

    @Test
    void late_data_that_a_history_load_opens_between_two_of_its_batches_and_then_fills_resolves_unseen() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2026-12-02T10:00"));
            // a partner's file taken in batches: after the first, the clock moves on and finds 2018-03 missing
            List<AlertEvent> events = new ArrayList<>();
            events.addAll(engine.process(maidstone(ASB, "maidstone", "2018-01", "20")).alertEvents());
            events.addAll(engine.process(maidstone(ASB, "maidstone", "2018-02", "20")).alertEvents());
            events.addAll(engine.advanceTo(at("2026-12-02T10:01")).alertEvents());
            assertEquals(List.of(AlertEventType.LATE_DATA), events.stream().map(AlertEvent::type).toList());
            // the next batch brings it
            List<AlertEvent> resolved = engine.process(maidstone(ASB, "maidstone", "2018-03", "20")).alertEvents();
            assertEquals(List.of(AlertEventType.RESOLVED), resolved.stream().map(AlertEvent::type).toList());
            events.addAll(resolved);
            assertEquals(List.of(), events.stream().filter(AlertEvent::delivered).toList(),
                    "a late-data alert of the history resolved by the history is news to nobody");
        }
    }

    @Test
    void late_data_resolved_by_news_is_delivered() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // the plan's last months, read as they fall due: March 2018's reading is late in May and comes then
            engine.advanceTo(at("2018-04-20T10:00"));
            engine.process(maidstone(ASB, "maidstone", "2018-02", "20"));
            List<AlertEvent> late = engine.advanceTo(at("2018-05-02T10:00")).alertEvents();
            assertEquals(List.of(AlertEventType.LATE_DATA), late.stream().map(AlertEvent::type).toList());
            assertTrue(late.stream().allMatch(AlertEvent::delivered));
            List<AlertEvent> resolved = engine.process(maidstone(ASB, "maidstone", "2018-03", "20")).alertEvents();
            assertEquals(List.of(AlertEventType.RESOLVED), resolved.stream().map(AlertEvent::type).toList());
            assertTrue(resolved.stream().allMatch(AlertEvent::delivered), "the lead told of it hears it resolve");
        }
    }

    @Test
    void what_the_clock_brings_after_a_history_load_is_news() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2026-12-02T10:00"));
            engine.process(da("2014-Q1", "30"));
            String rating = engine.alertStates().stream().filter(a -> a.kind() == AlertKind.RATING).findFirst().orElseThrow().id();
            // ten working days at level 1 without an acknowledgement: Wednesday 16 December, 10:00
            List<AlertEvent> escalated = engine.advanceTo(at("2026-12-16T10:00")).alertEvents();
            assertEquals(List.of("ESCALATED 2 smp-chair", "ESCALATED 2 lead-domestic-abuse"), escalated.stream()
                    .filter(e -> e.type() == AlertEventType.ESCALATED && rating.equals(e.alertId()))
                    .map(e -> e.type() + " " + e.level() + " " + e.recipient()).toList());
            assertTrue(escalated.stream().allMatch(AlertEvent::delivered));
        }
    }
}
