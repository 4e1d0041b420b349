package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.generated.ReadingFeed;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertSettings;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.AreaList;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;

/**
 * The engine of issue 13 (series held by the engine, periods put up for rating, the streak kept incrementally) against
 * the engine before it (kept under src/test as {@link ReferenceEngine}, with the old templates and streak rule): over
 * the benchmark's generated feed and a seeded fuzz corpus, on a clock that runs through the years with acknowledgements
 * along the way, every step gives identical assessments, identical alert events (ids included) and identical alert
 * states (the events of different series in one step compared in the order of their series), and both hold the same
 * at the end.
 */
class EngineDifferentialTest {

    /** Big enough that every kind is rated thousands of times and alerts are raised, escalated, reminded and resolved. */
    private static final int FEED_READINGS = 4_000;
    private static final int FUZZ_READINGS = 2_000;

    private static CompiledRules real;
    private static CompiledRules everyKind;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        real = everythingNews(new RuleCompiler().load(RuleFolders.real()));
        everyKind = everythingNews(new RuleCompiler().load(
                GeneratedRuleSet.write(RuleFolders.real(), dir.resolve("generated"), 20)));
        assertEquals(Kind.values().length, everyKind.ruleSet().targets().stream().map(Target::kind).distinct().count());
    }

    /**
     * The same rules with a history window wide enough that every reading is news: the reference engine predates
     * history marking and the list of areas (issue 12), so the comparison is of the rating and alerting both engines
     * share.
     */
    private static CompiledRules everythingNews(CompiledRules rules) throws Exception {
        RuleSet rs = rules.ruleSet();
        return new RuleCompiler().compile(new RuleSet(rs.folder(), rs.targets(), rs.contacts(), rs.templates(),
                rs.drl(), rs.checksum(), rs.escalation(), rs.silences(), rs.workingDays(),
                new AlertSettings(100_000, rs.settings().dailyMailBudget()), AreaList.ANY, rs.partnership()));
    }

    @Test
    void the_generated_feed_over_the_real_rule_set_gives_the_same_assessments_and_alert_events() throws Exception {
        compare(real, ReadingFeed.generate(real.ruleSet().targets(), FEED_READINGS, 2012, 2018).readings());
    }

    @Test
    void the_generated_feed_over_every_kind_gives_the_same_assessments_and_alert_events() throws Exception {
        compare(everyKind, ReadingFeed.generate(everyKind.ruleSet().targets(), FEED_READINGS, 2012, 2018).readings());
    }

    @Test
    void a_fuzz_corpus_of_revisions_repeats_gaps_late_periods_and_boundary_values_gives_the_same_outcomes()
            throws Exception {
        compare(real, fuzz(real.ruleSet().targets(), 13));
        compare(everyKind, fuzz(everyKind.ruleSet().targets(), 31));
    }

    /**
     * Both engines take the readings in order, each at its arrival (the day after its period ends, or later when the
     * feed goes back to correct an earlier period), the clock stepping twice a day in between; one in three raised
     * alerts is acknowledged. Every step's outcome must be the same.
     */
    private static void compare(CompiledRules rules, List<Reading> readings) throws Exception {
        CompiledRules reference = ReferenceEngine.compile(rules.ruleSet());
        long events = 0;
        try (RuleEngine engine = new RuleEngine(rules); ReferenceEngine old = new ReferenceEngine(reference)) {
            Instant clock = Instant.EPOCH;
            for (int i = 0; i < readings.size(); i++) {
                Reading r = readings.get(i);
                Instant arrival = r.period().end().plusDays(1).atTime(LocalTime.of(10, 0)).atZone(Now.ZONE).toInstant()
                        .plusSeconds(i % 3600);
                if (arrival.isAfter(clock)) {
                    for (Instant step = clock.equals(Instant.EPOCH) ? arrival : nextStep(clock); step.isBefore(arrival); step = nextStep(step)) {
                        events += same("clock " + step, old.advanceTo(step), engine.advanceTo(step), old, engine);
                    }
                    clock = arrival;
                    events += same("clock " + arrival, old.advanceTo(arrival), engine.advanceTo(arrival), old, engine);
                }
                Outcome before;
                Outcome after;
                try {
                    before = old.process(r);
                } catch (InvalidReadingException e) {
                    before = null;
                }
                try {
                    after = engine.process(r);
                } catch (InvalidReadingException e) {
                    after = null;
                }
                if (before == null || after == null) {
                    assertEquals(before == null, after == null, "reading " + i + " " + r + " refused by one engine only");
                    continue;
                }
                events += same("reading " + i + " " + r, before, after, old, engine);
            }
            assertEquals(old.assessments(), engine.assessments(), "the assessments held at the end");
            assertEquals(old.latest(), engine.latest(), "the latest assessments at the end");
            assertEquals(old.alertStates(), engine.alertStates(), "the open alerts at the end");
            assertEquals(old.openAlerts(), engine.openAlerts(), "the open rating alerts at the end");
            assertEquals(old.readingCount(), engine.readingCount(), "the readings held at the end");
        }
        assertTrue(events > 100, "the comparison saw alert events (" + events + ")");
    }

    /**
     * A step's events in the order of their series, and within a series in the order they happened: the order in
     * which the rules reach different series in one firing is Drools' agenda order, not part of the meaning (and
     * not the same in the two engines), while each series' own order is.
     */
    private static List<AlertEvent> bySeries(List<AlertEvent> events) {
        return events.stream().sorted(Comparator.comparing((AlertEvent e) -> e.series().toString())
                .thenComparingLong(AlertEvent::sequence)).toList();
    }

    /** A step's alert states in the order of their ids: which alert the rules reach first is the agenda's order. */
    private static List<AlertState> byId(List<AlertState> alerts) {
        return alerts.stream().sorted(Comparator.comparing(AlertState::id)).toList();
    }

    /** Twice a day, at 09:00 and 15:00 London time: late data, escalations and reminders fall due on their days. */
    static Instant nextStep(Instant from) {
        var t = from.atZone(Now.ZONE);
        LocalDate day = t.toLocalDate();
        if (t.toLocalTime().isBefore(LocalTime.of(9, 0))) {
            return day.atTime(9, 0).atZone(Now.ZONE).toInstant();
        }
        if (t.toLocalTime().isBefore(LocalTime.of(15, 0))) {
            return day.atTime(15, 0).atZone(Now.ZONE).toInstant();
        }
        return day.plusDays(1).atTime(9, 0).atZone(Now.ZONE).toInstant();
    }

    /** Asserts one step's outcomes are the same, acknowledges one raised alert in three in both; returns the events. */
    private static long same(String step, Outcome before, Outcome after, ReferenceEngine old, RuleEngine engine)
            throws Exception {
        assertEquals(before.assessments(), after.assessments(), step + ": assessments");
        assertEquals(bySeries(before.alertEvents()), bySeries(after.alertEvents()), step + ": alert events");
        assertEquals(byId(before.alerts()), byId(after.alerts()), step + ": alert states");
        assertEquals(before.recorded(), after.recorded(), step + ": recorded");
        long events = after.alertEvents().size();
        for (AlertEvent e : List.copyOf(after.alertEvents())) {
            if (e.type() == AlertEventType.RAISED && Math.floorMod(e.alertId().hashCode(), 3) == 0) {
                Outcome acked = engine.acknowledge(e.alertId(), e.recipient(), "looking into it");
                Outcome ackedBefore = old.acknowledge(e.alertId(), e.recipient(), "looking into it");
                events += same(step + ", acknowledging " + e.alertId(), ackedBefore, acked, old, engine);
            }
        }
        return events;
    }

    /**
     * Readings a partner's system might really send, at random: two partnerships, the borough, the comparator and two
     * wards, periods in any order (gaps, late ones, periods before and after the plan), values around the trajectory and
     * exactly on it, revisions from the same source and other sources, exact repeats, and the odd reading for an
     * indicator the rule set does not know.
     */
    static List<Reading> fuzz(List<Target> targets, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> partnerships = List.of("maidstone", "swale");
        List<String> areas = List.of("maidstone", "kent", "ward-001", "ward-002");
        List<String> sources = List.of("police", "council");
        List<Reading> out = new ArrayList<>();
        while (out.size() < FUZZ_READINGS) {
            int roll = random.nextInt(100);
            if (roll < 8 && !out.isEmpty()) {
                out.add(out.get(random.nextInt(out.size()))); // an exact repeat
                continue;
            }
            if (roll < 20 && !out.isEmpty()) {
                Reading was = out.get(random.nextInt(out.size())); // a revision, from its source or another
                out.add(new Reading(was.partnership(), was.indicator(), was.area(), was.period(),
                        was.value().multiply(BigDecimal.valueOf(0.9 + random.nextDouble() * 0.2)).setScale(1, RoundingMode.HALF_UP),
                        random.nextBoolean() ? was.source() : sources.get(random.nextInt(sources.size())), null, null));
                continue;
            }
            Target t = targets.get(random.nextInt(targets.size()));
            String indicator = roll < 21 ? "not-in-the-plan" : t.indicator();
            Period p = period(t, 2010 + random.nextInt(10), random);
            BigDecimal centre = t.kind() == Kind.DELIVER_ANNUALLY ? t.target().divide(BigDecimal.valueOf(4)) : t.baseline();
            BigDecimal value = roll < 30 ? Ratings.expected(t.baseline(), t.baselineDate(), t.target() == null ? t.baseline()
                    : t.target(), t.targetDate(), p.end()).setScale(2, RoundingMode.HALF_UP)
                    : centre.multiply(BigDecimal.valueOf(0.8 + random.nextDouble() * 0.4)).setScale(2, RoundingMode.HALF_UP);
            if (t.unit() == targetwatch.engine.model.Unit.COUNT) {
                value = value.setScale(0, RoundingMode.HALF_UP);
            } else if (t.unit() == targetwatch.engine.model.Unit.PERCENT) {
                value = value.min(BigDecimal.valueOf(100));
            }
            out.add(new Reading(partnerships.get(random.nextInt(partnerships.size())), indicator,
                    areas.get(random.nextInt(areas.size())), p, value, sources.get(random.nextInt(sources.size())), null, null));
        }
        return out;
    }

    private static Period period(Target t, int year, SplittableRandom random) {
        return switch (t.frequency()) {
            case MONTH -> Period.month(year, 1 + random.nextInt(12));
            case QUARTER -> Period.quarter(year, 1 + random.nextInt(4));
            case YEAR -> Period.year(year);
            case FINANCIAL_YEAR -> Period.financialYear(year);
        };
    }
}
