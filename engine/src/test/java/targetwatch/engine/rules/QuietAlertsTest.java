package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.TestReadings.maidstone;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Period;

/**
 * Alerts that stay worth reading, on the engine's pseudo clock: a series whose feed stops has one late-data alert
 * however many periods it misses, reminders back off and stop at their level's limit, and a reminder at a level
 * goes to that level, not to those it went over the heads of, unless the policy says so.
 *
 * <p>asb-incidents-per-1000 is monthly, due 30 days after each month, led by lead-asb (no data contact, so late data
 * goes to the lead first); a value of 20 is GREEN. da-repeat-victims is quarterly (30 is RED) and chases nothing
 * within a year in these rule sets.
 */
class QuietAlertsTest {

    private static final String ASB = "asb-incidents-per-1000";
    private static final String DA = "da-repeat-victims";
    private static final String ASB_LEAD = "lead-asb";
    private static final String DA_LEAD = "lead-domestic-abuse";
    private static final String CHAIR = "smp-chair";
    private static final String HEADER = "priority,alert,level,recipients,after_red_periods,after_working_days,"
            + "remind_every_working_days,ack_lasts_working_days,max_reminders,remind_lower_levels";

    /** Late data to the lead, reminded after 5 working days at most twice; the SMP chair after 10, at most twice. */
    private static CompiledRules lateData;
    /** A rating alert reminded after 2 working days, doubling, at most 3 times; no level above; late data to the lead alone. */
    private static CompiledRules backingOff;
    /** Level 2 after 2 red quarters, reminded after 3 working days at most once, to level 2 only. */
    private static CompiledRules levelOnly;
    /** The same with remind_lower_levels: everyone told hears level 2's reminder. */
    private static CompiledRules lowerLevelsToo;

    @BeforeAll
    static void compile(@TempDir Path late, @TempDir Path backOff, @TempDir Path level, @TempDir Path lower) throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        lateData = compiler.load(policy(late, "*,rating,1,lead,,,,,,", "*,late-data,1,data-contact,,,5,,2,",
                "*,late-data,2,smp-chair,,10,10,,2,"));
        backingOff = compiler.load(policy(backOff, "*,rating,1,lead,,,2,,3,", "*,late-data,1,data-contact,,,,,,"));
        levelOnly = compiler.load(policy(level, "*,rating,1,lead,,,,,,", "*,rating,2,smp-chair,2,,3,,1,",
                "*,late-data,1,data-contact,,,,,,"));
        lowerLevelsToo = compiler.load(policy(lower, "*,rating,1,lead,,,,,,", "*,rating,2,smp-chair,2,,3,,1,yes",
                "*,late-data,1,data-contact,,,,,,"));
    }

    private static Path policy(Path folder, String... escalationRows) throws Exception {
        RuleFolders.copyOfReal(folder);
        RuleFolders.editCell(folder.resolve("targets.csv"), ASB, "due_days", "30");
        RuleFolders.editCell(folder.resolve("targets.csv"), DA, "due_days", "366");
        List<String> lines = new ArrayList<>(List.of(HEADER));
        lines.addAll(List.of(escalationRows));
        RuleFolders.write(folder.resolve("escalation.csv"), lines.toArray(String[]::new));
        return folder;
    }

    /** A local time in England. */
    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(Now.ZONE).toInstant();
    }

    private static String describe(AlertEvent e) {
        return e.type() + " " + e.level() + " " + e.recipient();
    }

    private static List<String> described(Outcome o) {
        return o.alertEvents().stream().map(QuietAlertsTest::describe).toList();
    }

    /** Moves the clock an hour at a time to {@code until}, collecting every alert event on the way. */
    private static List<AlertEvent> runClock(RuleEngine engine, Instant until) {
        List<AlertEvent> events = new ArrayList<>();
        for (Instant t = engine.now().plus(Duration.ofHours(1)); !t.isAfter(until); t = t.plus(Duration.ofHours(1))) {
            events.addAll(engine.advanceTo(t).alertEvents());
        }
        return events;
    }

    private static Outcome month(RuleEngine engine, String period) throws Exception {
        return engine.process(maidstone(ASB, "maidstone", period, "20"));
    }

    private static Outcome quarter(RuleEngine engine, String period, String value) throws Exception {
        return engine.process(maidstone(DA, "maidstone", period, value));
    }

    private static List<Period> months(String from, String to) {
        List<Period> months = new ArrayList<>();
        for (Period p = Period.parse(from); p.compareTo(Period.parse(to)) <= 0; p = p.next()) {
            months.add(p);
        }
        return months;
    }

    @Test
    void a_monthly_series_stopping_for_twelve_months_has_one_late_data_alert_escalated_once_and_resolved_by_the_last_reading()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(lateData)) {
            engine.advanceTo(at("2014-04-01T10:00"));
            for (String m : List.of("2014-01", "2014-02", "2014-03")) {
                month(engine, m);
            }
            // 2014-04 is due on Friday 30 May; the twelfth month missing, 2015-03, on Thursday 30 April 2015
            List<AlertEvent> events = runClock(engine, at("2015-05-05T09:00"));

            assertEquals(List.of("LATE_DATA 1 " + ASB_LEAD), events.stream().filter(e -> e.type() == AlertEventType.LATE_DATA)
                    .map(QuietAlertsTest::describe).toList(), "one late-data alert, not one per missing month");
            assertEquals(at("2014-05-30T08:00"), events.get(0).at());
            assertEquals("no reading for 2014-04: it was due by 2014-05-30", events.get(0).reason());
            assertEquals(1, events.stream().map(AlertEvent::alertId).distinct().count(), "every event is about the one alert");
            // level 2 once, ten working days after it opened, with the lead who was told hearing it went over their head
            List<AlertEvent> escalations = events.stream().filter(e -> e.type() == AlertEventType.ESCALATED).toList();
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + ASB_LEAD),
                    escalations.stream().map(QuietAlertsTest::describe).toList());
            assertEquals(Set.of(at("2014-06-13T08:00")), escalations.stream().map(AlertEvent::at).collect(Collectors.toSet()));
            // level 1 reminds once before the escalation; level 2 twice (after 10 and 20 more working days), the chair
            // only, then stops
            List<String> reminders = events.stream().filter(e -> e.type() == AlertEventType.REMINDER)
                    .map(e -> describe(e) + " " + e.at() + " " + e.reason()).toList();
            assertEquals(List.of(
                    "REMINDER 1 " + ASB_LEAD + " " + at("2014-06-06T08:00")
                            + " still open and not acknowledged: reminder 1 of 2; no reading for 2014-04: it was due by 2014-05-30",
                    "REMINDER 2 " + CHAIR + " " + at("2014-06-27T08:00")
                            + " still open and not acknowledged: reminder 1 of 2; no reading for 2014-04: it was due by 2014-05-30",
                    "REMINDER 2 " + CHAIR + " " + at("2014-07-25T08:00") + " still open and not acknowledged: reminder 2 of 2;"
                            + " no reading since 2014-03: 2 months missing (2014-04 to 2014-05)"), reminders);
            assertEquals(6, events.size(), "nothing else: " + events);

            AlertState open = engine.alertStates().get(0);
            assertEquals(AlertKind.LATE_DATA, open.kind());
            assertEquals(months("2014-04", "2015-03"), open.missing());

            // an older gap filled updates the alert and tells nobody
            engine.advanceTo(at("2015-05-05T10:00"));
            assertEquals(List.of(), described(month(engine, "2014-04")));
            AlertState updated = engine.alertStates().get(0);
            assertEquals(open.id(), updated.id());
            assertEquals(Period.parse("2014-05"), updated.period());
            assertEquals(months("2014-05", "2015-03"), updated.missing());
            assertEquals(List.of(), described(month(engine, "2014-08")));
            assertEquals(List.of(Period.parse("2014-05"), Period.parse("2014-06"), Period.parse("2014-07")),
                    engine.alertStates().get(0).missing().subList(0, 3));

            for (Period p : months("2014-05", "2015-02")) {
                if (!p.equals(Period.parse("2014-08"))) {
                    assertEquals(List.of(), described(month(engine, p.toString())), "still missing after " + p);
                }
            }
            Outcome last = month(engine, "2015-03");
            assertEquals(List.of("RESOLVED 2 " + ASB_LEAD, "RESOLVED 2 " + CHAIR), described(last));
            assertEquals("the reading for 2015-03 arrived", last.alertEvents().get(0).reason());
            assertEquals(List.of(), engine.alertStates());
        }
    }

    @Test
    void a_late_data_alert_tells_nobody_when_more_periods_fall_due_and_says_what_is_missing_in_its_state() throws Exception {
        try (RuleEngine engine = new RuleEngine(backingOff)) {
            engine.advanceTo(at("2014-04-01T10:00"));
            month(engine, "2014-03");
            engine.advanceTo(at("2014-05-30T08:00"));
            assertEquals(months("2014-04", "2014-04"), engine.alertStates().get(0).missing());
            // 2014-05 falls due on Monday 30 June at 08:00: the alert follows, silently
            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-30T07:59"))));
            assertEquals(months("2014-04", "2014-04"), engine.alertStates().get(0).missing());
            Outcome due = engine.advanceTo(at("2014-06-30T08:00"));
            assertEquals(List.of(), described(due));
            assertEquals(months("2014-04", "2014-05"), engine.alertStates().get(0).missing());
            assertEquals(List.of(months("2014-04", "2014-05")), due.alerts().stream().map(AlertState::missing).toList(),
                    "the changed state is handed out to be stored");
        }
    }

    @Test
    void reminders_back_off_doubling_each_time_and_stop_at_the_levels_limit() throws Exception {
        try (RuleEngine engine = new RuleEngine(backingOff)) {
            // raised on Monday 2 June 2014 at 10:00; reminders after 2, then 4, then 8 working days; then no more
            engine.advanceTo(at("2014-06-02T10:00"));
            assertEquals(List.of("RAISED 1 " + DA_LEAD), described(quarter(engine, "2014-Q1", "30")));

            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-04T09:59"))));
            assertEquals(List.of("REMINDER 1 " + DA_LEAD), described(engine.advanceTo(at("2014-06-04T10:00"))));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-10T09:59"))));
            assertEquals(List.of("REMINDER 1 " + DA_LEAD), described(engine.advanceTo(at("2014-06-10T10:00"))));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-20T09:59"))));
            Outcome third = engine.advanceTo(at("2014-06-20T10:00"));
            assertEquals(List.of("REMINDER 1 " + DA_LEAD), described(third));
            assertEquals("still open and not acknowledged: reminder 3 of 3", third.alertEvents().get(0).reason());
            assertEquals(List.of(), runClock(engine, at("2014-12-31T18:00")), "the limit is reached: no fourth reminder");
            assertEquals(3, engine.alertStates().get(0).reminders());
        }
    }

    @Test
    void a_worse_rating_starts_the_reminders_again_from_the_first_interval() throws Exception {
        try (RuleEngine engine = new RuleEngine(backingOff)) {
            engine.advanceTo(at("2014-06-02T10:00"));
            quarter(engine, "2014-Q1", "23");
            engine.advanceTo(at("2014-06-04T10:00"));
            engine.advanceTo(at("2014-06-10T10:00"));
            // worse on Wednesday 11 June at 10:00: the next reminder is 2 working days later, not 8
            engine.advanceTo(at("2014-06-11T10:00"));
            assertEquals(List.of("WORSENED 1 " + DA_LEAD), described(quarter(engine, "2014-Q2", "30")));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-13T09:59"))));
            assertEquals(List.of("REMINDER 1 " + DA_LEAD), described(engine.advanceTo(at("2014-06-13T10:00"))));
        }
    }

    @Test
    void a_restored_alert_keeps_its_place_in_the_back_off() throws Exception {
        try (RuleEngine engine = new RuleEngine(backingOff)) {
            engine.advanceTo(at("2014-06-02T10:00"));
            quarter(engine, "2014-Q1", "30");
            engine.advanceTo(at("2014-06-04T10:00"));
            List<AlertState> states = engine.alertStates();
            assertEquals(1, states.get(0).reminders());
            try (RuleEngine restored = RuleEngine.restoring(backingOff)) {
                restored.process(maidstone(DA, "maidstone", "2014-Q1", "30"));
                assertEquals(List.of(), described(restored.resume(states, at("2014-06-04T10:05"))));
                // the second reminder waits 4 working days, as it would have without the restart
                assertEquals(List.of(), described(restored.advanceTo(at("2014-06-10T09:59"))));
                assertEquals(List.of("REMINDER 1 " + DA_LEAD), described(restored.advanceTo(at("2014-06-10T10:00"))));
            }
        }
    }

    @Test
    void a_reminder_at_a_level_goes_to_that_level_not_to_those_it_went_over() throws Exception {
        try (RuleEngine engine = new RuleEngine(levelOnly)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            quarter(engine, "2014-Q1", "30");
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + DA_LEAD), described(quarter(engine, "2014-Q2", "30")));
            assertEquals(List.of("REMINDER 2 " + CHAIR), described(engine.advanceTo(at("2014-11-06T10:00"))));
        }
    }

    @Test
    void a_level_that_says_remind_lower_levels_reminds_everyone_told() throws Exception {
        try (RuleEngine engine = new RuleEngine(lowerLevelsToo)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            quarter(engine, "2014-Q1", "30");
            quarter(engine, "2014-Q2", "30");
            assertEquals(List.of("REMINDER 2 " + DA_LEAD, "REMINDER 2 " + CHAIR), described(engine.advanceTo(at("2014-11-06T10:00"))));
        }
    }

    @Test
    void the_reminder_interval_doubles_up_to_a_working_year() {
        assertEquals(List.of(5, 10, 20, 40, 80, 160, 250, 250),
                List.of(0, 1, 2, 3, 4, 5, 6, 30).stream().map(n -> Alert.reminderInterval(5, n)).toList());
        assertTrue(Alert.reminderInterval(250, 0) <= Alert.MAX_REMINDER_INTERVAL);
    }
}
