package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.TestReadings.maidstone;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Rating;

/**
 * The alert lifecycle of rules/alerts.drl on the engine's clock (the pseudo clock, moved by the test): escalation
 * by consecutive red periods and by working days without an acknowledgement, acknowledgements, reminders in
 * office hours, resolution to everyone told, silences, late data and hysteresis.
 *
 * <p>da-repeat-victims is quarterly, reduce-to 21 from 23.3; its lead is lead-domestic-abuse. In 2014-Q1 to Q3 a
 * value of 30 is RED, 23 AMBER and 20 GREEN. The test escalation policy: level 1 the lead (reminded every 5 working
 * days, an acknowledgement lasts 2); level 2 the SMP chair after 2 red quarters or 3 working days; level 3 the
 * Overview and Scrutiny Committee after 3 red quarters or 6 working days; late data goes to the data contact, then
 * to the lead after 5 working days. Early May bank holiday 2014 is Monday 5 May.
 */
class AlertLifecycleTest {

    private static final String DA = "da-repeat-victims";
    private static final String LEAD = "lead-domestic-abuse";
    private static final String CHAIR = "smp-chair";
    private static final String SCRUTINY = "overview-scrutiny";

    private static CompiledRules rules;
    /** The same with hysteresis 2 on da-repeat-victims. */
    private static CompiledRules steady;
    /** The same with da-repeat-victims silenced until the end of 2014. */
    private static CompiledRules silenced;
    /** Level 2 by red quarters only, so that level 1's reminders every 5 working days come first. */
    private static CompiledRules reminding;
    /** The same with da-repeat-victims due 30 days after each quarter (the others chase nothing within a year). */
    private static CompiledRules chasing;

    @BeforeAll
    static void compile(@TempDir Path plain, @TempDir Path withHysteresis, @TempDir Path withSilence,
                        @TempDir Path withLateData, @TempDir Path withReminders) throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        rules = compiler.load(policy(plain, "366"));
        policy(withHysteresis, "366");
        RuleFolders.addColumn(withHysteresis.resolve("targets.csv"), "hysteresis");
        RuleFolders.editCell(withHysteresis.resolve("targets.csv"), DA, "hysteresis", "2");
        steady = compiler.load(withHysteresis);
        chasing = compiler.load(policy(withLateData, "30"));
        policy(withReminders, "366");
        RuleFolders.write(withReminders.resolve("escalation.csv"),
                "priority,alert,level,recipients,after_red_periods,after_working_days,remind_every_working_days,ack_lasts_working_days",
                "*,rating,1,lead,,,5,", "*,rating,2,smp-chair,2,,5,");
        reminding = compiler.load(withReminders);
        policy(withSilence, "366");
        RuleFolders.write(withSilence.resolve("silences.csv"), "indicator,priority,until,reason,author",
                DA + ",,2014-12-31,new case management system being bedded in," + CHAIR);
        silenced = compiler.load(withSilence);
    }

    private static Path policy(Path folder, String dueDays) throws Exception {
        RuleFolders.copyOfReal(folder);
        RuleFolders.addColumn(folder.resolve("targets.csv"), "due_days");
        RuleFolders.editCell(folder.resolve("targets.csv"), DA, "due_days", dueDays);
        RuleFolders.write(folder.resolve("escalation.csv"),
                "priority,alert,level,recipients,after_red_periods,after_working_days,remind_every_working_days,ack_lasts_working_days",
                "*,rating,1,lead,,,5,2",
                "*,rating,2,smp-chair,2,3,5,",
                "*,rating,3,overview-scrutiny,3,6,,",
                "*,late-data,1,data-contact,,,,",
                "*,late-data,2,lead,,5,,");
        return folder;
    }

    /** A local time in England. */
    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(Now.ZONE).toInstant();
    }

    private static List<String> described(Outcome o) {
        return o.alertEvents().stream().map(AlertLifecycleTest::describe).toList();
    }

    private static String describe(AlertEvent e) {
        return e.type() + " " + e.level() + " " + e.recipient() + (e.silenced() ? " (silenced)" : "");
    }

    private static Outcome quarter(RuleEngine engine, String period, String value) throws Exception {
        return engine.process(maidstone(DA, "maidstone", period, value));
    }

    @Test
    void red_for_one_two_and_three_consecutive_quarters_reaches_levels_one_two_and_three() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            assertEquals(List.of("RAISED 1 " + LEAD), described(quarter(engine, "2014-Q1", "30")));
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(quarter(engine, "2014-Q2", "30")));
            assertEquals(List.of("ESCALATED 3 " + SCRUTINY, "ESCALATED 3 " + LEAD, "ESCALATED 3 " + CHAIR),
                    described(quarter(engine, "2014-Q3", "30")));
            assertEquals(3, engine.alertStates().get(0).level());
        }
    }

    @Test
    void an_amber_quarter_between_red_ones_breaks_the_run_and_does_not_escalate() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            quarter(engine, "2014-Q1", "30");
            assertEquals(List.of("IMPROVED 1 " + LEAD), described(quarter(engine, "2014-Q2", "23")));
            assertEquals(List.of("WORSENED 1 " + LEAD), described(quarter(engine, "2014-Q3", "30")));
            assertEquals(1, engine.alertStates().get(0).level());
        }
    }

    @Test
    void an_unacknowledged_alert_escalates_after_its_working_days_counted_across_a_weekend_and_a_bank_holiday()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // raised on Thursday 1 May 2014 at 10:00; the working days after it: Fri 2, (weekend, bank holiday Mon 5),
            // Tue 6, Wed 7: three working days end on Wednesday 7 May at 10:00
            engine.advanceTo(at("2014-05-01T10:00"));
            quarter(engine, "2014-Q1", "30");

            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-06T10:00"))), "a day early");
            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-07T09:59"))), "a minute early");
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(engine.advanceTo(at("2014-05-07T10:00"))));
            // and the next level counts its own working days from there (six: Thursday 15 May at 10:00), with a
            // reminder after five to level 2 (the lead it went over hears no reminder of it)
            assertEquals(List.of("REMINDER 2 " + CHAIR), described(engine.advanceTo(at("2014-05-14T10:00"))));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-15T09:59"))));
            assertEquals(List.of("ESCALATED 3 " + SCRUTINY, "ESCALATED 3 " + LEAD, "ESCALATED 3 " + CHAIR), described(engine.advanceTo(at("2014-05-15T10:00"))));
        }
    }

    @Test
    void an_acknowledgement_stops_escalation_and_reminders_and_everyone_told_hears_who_acknowledged() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-05-01T10:00"));
            String alert = quarter(engine, "2014-Q1", "30").alertEvents().get(0).alertId();
            engine.advanceTo(at("2014-05-02T09:00"));

            Outcome ack = engine.acknowledge(alert, LEAD, "MARAC review booked for 12 May");
            AlertEvent acknowledged = ack.alertEvents().get(0);
            assertAll(
                    () -> assertEquals(List.of("ACKNOWLEDGED 1 " + LEAD), described(ack)),
                    () -> assertEquals(LEAD, acknowledged.actor()),
                    () -> assertEquals("MARAC review booked for 12 May", acknowledged.comment()),
                    () -> assertEquals(LEAD, ack.alerts().get(0).acknowledgedBy()));
            // the acknowledgement lasts 2 working days (Tue 6, Wed 7 May: to Wednesday 09:00), so nothing escalates on
            // Wednesday 7 May at 10:00, when three working days from the raise are up
            assertEquals(at("2014-05-07T09:00"), ack.alerts().get(0).acknowledgedUntil());
            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-07T10:00"))));
            // from its lapse the clock runs again: three working days after Wed 7 May 09:00 is Mon 12 May 09:00
            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-12T08:59"))));
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(engine.advanceTo(at("2014-05-12T09:00"))));
        }
    }

    @Test
    void a_worse_rating_ends_an_acknowledgement_and_restarts_the_escalation_clock() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-05-01T10:00"));
            String alert = quarter(engine, "2014-Q1", "23").alertEvents().get(0).alertId();
            engine.acknowledge(alert, LEAD, "looking into it");
            engine.advanceTo(at("2014-05-02T10:00"));
            assertEquals(List.of("WORSENED 1 " + LEAD), described(quarter(engine, "2014-Q2", "30")));
            // three working days from the worsening (Tue 6, Wed 7, Thu 8 May), not from the raise (Wed 7) nor from
            // the acknowledgement's lapse (Tue 6 May 10:00, then Fri 9)
            assertEquals(List.of(), described(engine.advanceTo(at("2014-05-08T09:59"))));
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(engine.advanceTo(at("2014-05-08T10:00"))));
        }
    }

    @Test
    void acknowledging_an_alert_that_is_not_open_is_refused() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            assertThrows(NoSuchAlertException.class, () -> engine.acknowledge("no-such-alert", LEAD, ""));
        }
    }

    @Test
    void a_reminder_due_at_two_in_the_morning_waits_for_eight_oclock() throws Exception {
        try (RuleEngine engine = new RuleEngine(reminding)) {
            // raised at 02:00 on Tuesday 3 June 2014: five working days later is Tuesday 10 June at 02:00
            engine.advanceTo(at("2014-06-03T02:00"));
            quarter(engine, "2014-Q1", "23");
            assertEquals(List.of(), described(engine.advanceTo(at("2014-06-10T07:59"))));
            Outcome reminded = engine.advanceTo(at("2014-06-10T08:00"));
            assertEquals(List.of("REMINDER 1 " + LEAD), described(reminded));
            assertEquals(at("2014-06-10T08:00"), reminded.alertEvents().get(0).at());
        }
    }

    @Test
    void a_reminder_due_in_the_evening_before_a_bank_holiday_weekend_waits_for_the_next_working_morning()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(reminding)) {
            // raised at 19:00 on Friday 15 August 2014; five working days later is Friday 22 August at 19:00, after
            // hours; Monday 25 August is a bank holiday, so it goes on Tuesday 26 August at 08:00
            engine.advanceTo(at("2014-08-15T19:00"));
            quarter(engine, "2014-Q1", "23");
            assertEquals(List.of(), described(engine.advanceTo(at("2014-08-26T07:59"))));
            assertEquals(List.of("REMINDER 1 " + LEAD), described(engine.advanceTo(at("2014-08-26T08:00"))));
        }
    }

    @Test
    void a_reminder_shows_where_the_series_stands_now_not_where_the_alert_opened() throws Exception {
        try (RuleEngine engine = new RuleEngine(reminding)) {
            engine.advanceTo(at("2014-06-03T10:00"));
            quarter(engine, "2014-Q1", "23");
            quarter(engine, "2014-Q2", "30");
            AlertEvent reminder = engine.advanceTo(at("2014-06-10T10:00")).alertEvents().get(0);
            assertAll(
                    () -> assertEquals(AlertEventType.REMINDER, reminder.type()),
                    () -> assertEquals("2014-Q2", reminder.period().toString()),
                    () -> assertEquals(Rating.RED, reminder.severity()),
                    () -> assertEquals(0, new java.math.BigDecimal("30").compareTo(reminder.actual())));
        }
    }

    @Test
    void a_resolution_reaches_every_level_that_was_told() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            quarter(engine, "2014-Q1", "30");
            quarter(engine, "2014-Q2", "30");
            quarter(engine, "2014-Q3", "30");
            Outcome resolved = quarter(engine, "2014-Q4", "20");
            assertEquals(List.of("RESOLVED 3 " + LEAD, "RESOLVED 3 " + CHAIR, "RESOLVED 3 " + SCRUTINY), described(resolved));
            assertFalse(resolved.alerts().get(0).isOpen());
            assertEquals(List.of(), engine.alertStates());
        }
    }

    @Test
    void a_silenced_indicator_sends_nothing_but_its_resolution_still_reaches_those_told_before_the_silence()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // told before the silence: the lead
            engine.advanceTo(at("2014-05-01T10:00"));
            quarter(engine, "2014-Q1", "23");
            // the secretariat silences it (a rule set change)
            try (RuleEngine.Rebuilt rebuilt = engine.rebuild(silenced)) {
                RuleEngine quiet = rebuilt.engine();
                assertEquals(List.of(), rebuilt.events());
                // a worse quarter is kept in the history and sent to nobody; no reminders, no escalation
                assertEquals(List.of("WORSENED 1 " + LEAD + " (silenced)"), described(quarter(quiet, "2014-Q2", "30")));
                assertEquals(List.of(), described(quiet.advanceTo(at("2014-06-30T10:00"))));
                // and when it comes right, the lead who was told hears it resolve
                Outcome resolved = quarter(quiet, "2014-Q3", "20");
                assertEquals(List.of("RESOLVED 1 " + LEAD), described(resolved));
            }
        }
    }

    @Test
    void an_alert_raised_under_a_silence_tells_nobody_and_is_reminded_once_the_silence_is_over() throws Exception {
        try (RuleEngine engine = new RuleEngine(silenced)) {
            engine.advanceTo(at("2014-11-03T10:00"));
            assertEquals(List.of("RAISED 1 " + LEAD + " (silenced)"), described(quarter(engine, "2014-Q3", "23")));
            // the silence's author hears two working days before it ends (Mon 29 Dec 2014 at 08:00), once
            Outcome ending = engine.advanceTo(at("2014-12-29T08:00"));
            assertEquals(List.of("REMINDER 0 " + CHAIR), described(ending));
            assertTrue(ending.alertEvents().get(0).reason().contains("ends on 2014-12-31"));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-12-30T08:00"))));
            // once it is over the open alert is told to its level, and its clocks start from then
            assertEquals(List.of("REMINDER 1 " + LEAD), described(engine.advanceTo(at("2015-01-02T08:00"))));
            assertEquals(List.of(), described(engine.advanceTo(at("2015-01-07T07:59"))));
            assertEquals(List.of("ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(engine.advanceTo(at("2015-01-07T08:00"))));
        }
    }

    @Test
    void a_quarter_with_no_reading_raises_late_data_on_its_due_day_and_resolves_when_the_reading_comes()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(chasing)) {
            engine.advanceTo(at("2014-04-10T10:00"));
            quarter(engine, "2014-Q1", "20");
            // 2014-Q2 ends on 30 June; due 30 days later, Wednesday 30 July, from 08:00
            assertEquals(List.of(), described(engine.advanceTo(at("2014-07-30T07:59"))));
            Outcome late = engine.advanceTo(at("2014-07-30T08:00"));
            assertEquals(List.of("LATE_DATA 1 " + LEAD), described(late));
            AlertState lateAlert = late.alerts().get(0);
            assertEquals(AlertKind.LATE_DATA, lateAlert.kind());
            assertEquals("2014-Q2", lateAlert.period().toString());

            engine.advanceTo(at("2014-07-31T11:00"));
            Outcome arrived = quarter(engine, "2014-Q2", "20");
            assertEquals(List.of("RESOLVED 1 " + LEAD), described(arrived));
            assertEquals("the reading for 2014-Q2 arrived", arrived.alertEvents().get(0).reason());
        }
    }

    @Test
    void late_data_still_missing_after_its_working_days_goes_to_the_lead() throws Exception {
        try (RuleEngine engine = new RuleEngine(chasing)) {
            engine.advanceTo(at("2014-04-10T10:00"));
            quarter(engine, "2014-Q1", "20");
            engine.advanceTo(at("2014-07-30T08:00"));
            assertEquals(List.of(), described(engine.advanceTo(at("2014-08-06T07:59"))));
            assertEquals(List.of("ESCALATED 2 " + LEAD), described(engine.advanceTo(at("2014-08-06T08:00"))));
        }
    }

    @Test
    void one_flapping_reading_under_hysteresis_two_opens_nothing_and_two_in_a_row_do() throws Exception {
        try (RuleEngine engine = new RuleEngine(steady)) {
            engine.advanceTo(at("2015-02-02T10:00"));
            quarter(engine, "2014-Q1", "20");
            assertEquals(List.of(), described(quarter(engine, "2014-Q2", "30")));
            assertEquals(List.of(), described(quarter(engine, "2014-Q3", "20")));
            assertEquals(List.of(), engine.alertStates());
            assertEquals(List.of(), described(quarter(engine, "2014-Q4", "30")));
            // two red quarters in a row open it, and being two red ones also reach level 2
            assertEquals(List.of("RAISED 1 " + LEAD, "ESCALATED 2 " + CHAIR, "ESCALATED 2 " + LEAD), described(quarter(engine, "2015-Q1", "30")));
        }
    }

    @Test
    void under_hysteresis_two_one_green_quarter_does_not_resolve_an_open_alert() throws Exception {
        try (RuleEngine engine = new RuleEngine(steady)) {
            engine.advanceTo(at("2015-02-02T10:00"));
            quarter(engine, "2014-Q1", "23");
            quarter(engine, "2014-Q2", "23");
            assertEquals(1, engine.alertStates().size());
            assertEquals(List.of(), described(quarter(engine, "2014-Q3", "20")));
            assertEquals(List.of("RESOLVED 1 " + LEAD), described(quarter(engine, "2014-Q4", "20")));
        }
    }

    @Test
    void an_engine_restored_from_its_alert_states_carries_on_where_it_was_without_saying_anything_twice()
            throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.advanceTo(at("2014-05-01T10:00"));
            quarter(engine, "2014-Q1", "30");
            engine.advanceTo(at("2014-05-07T10:00"));
            List<AlertState> states = engine.alertStates();
            assertEquals(2, states.get(0).level());

            try (RuleEngine restored = RuleEngine.restoring(rules)) {
                restored.process(maidstone(DA, "maidstone", "2014-Q1", "30"));
                assertEquals(List.of(), described(restored.resume(states, at("2014-05-07T10:05"))));
                assertEquals(states.get(0).id(), restored.alertStates().get(0).id());
                // its level-2 reminder comes five working days after level 2, and level 3 six: Thursday 15 May at 10:00
                assertEquals(List.of(), described(restored.advanceTo(at("2014-05-14T09:59"))));
                assertEquals(List.of("REMINDER 2 " + CHAIR), described(restored.advanceTo(at("2014-05-14T10:00"))));
                assertEquals(List.of(), described(restored.advanceTo(at("2014-05-15T09:59"))));
                assertEquals(List.of("ESCALATED 3 " + SCRUTINY, "ESCALATED 3 " + LEAD, "ESCALATED 3 " + CHAIR), described(restored.advanceTo(at("2014-05-15T10:00"))));
            }
        }
    }
}
