package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.generated.ReadingFeed;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;

/**
 * A rule set change built from a snapshot ({@link RuleEngine#replaying}), replaying only the series whose target row
 * changed and carrying the others over, gives exactly what the full replay ({@link RuleEngine#rebuild}) gives: the same
 * rating changes, alert changes, alert events (ids included) and alert states, an engine holding the same assessments,
 * alerts and readings, and, fed the same readings and clock afterwards, the same outcomes step by step (the carried
 * streaks and watches go on as replayed ones do). A change of anything but target rows replays everything.
 */
class IncrementalRebuildTest {

    private static CompiledRules real;
    private static CompiledRules realKsiTo30;
    private static CompiledRules realDeliveryTo2500;
    private static CompiledRules realWithoutDrugs;
    private static CompiledRules realContactRenamed;
    private static CompiledRules everyKind;
    private static CompiledRules everyKindComparatorTighter;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        real = compiler.load(RuleFolders.real());
        realKsiTo30 = compiler.load(edited(dir.resolve("ksi"), "targets.csv", "ksi-casualties", "target", "30"));
        realDeliveryTo2500 = compiler.load(edited(dir.resolve("rush"), "targets.csv", "rush-year11-delivery", "target", "2500"));
        Path fewer = RuleFolders.copyOfReal(dir.resolve("fewer"));
        RuleFolders.removeRow(fewer.resolve("targets.csv"), "perception-drugs"); // the rows after it move up one
        realWithoutDrugs = compiler.load(fewer);
        realContactRenamed = compiler.load(edited(dir.resolve("contact"), "contacts.csv", "lead-asb", "name", "Insp J Gagan-Cook"));
        Path generated = GeneratedRuleSet.write(RuleFolders.real(), dir.resolve("generated"), 20);
        everyKind = compiler.load(generated);
        Target comparator = everyKind.ruleSet().targets().stream().filter(t -> t.kind() == Kind.BELOW_COMPARATOR)
                .findFirst().orElseThrow();
        Path tighter = dir.resolve("generated-tighter");
        Files.createDirectories(tighter);
        for (Path f : Files.list(generated).toList()) {
            Files.copy(f, tighter.resolve(f.getFileName()));
        }
        RuleFolders.editCell(tighter.resolve("targets.csv"), comparator.indicator(), "tolerance_pct", "1");
        everyKindComparatorTighter = compiler.load(tighter);
    }

    private static Path edited(Path into, String file, String key, String column, String value) throws Exception {
        Path folder = RuleFolders.copyOfReal(into);
        RuleFolders.editCell(folder.resolve(file), key, column, value);
        return folder;
    }

    @Test
    void a_changed_target_row_replays_only_its_series_and_gives_what_the_full_replay_gives() throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 13))) {
            int changedIndicator = sameAsFullReplay(engine, realKsiTo30);
            assertTrue(changedIndicator > 0 && changedIndicator < engine.readingCount(),
                    "only the KSI series were replayed: " + changedIndicator + " of " + engine.readingCount());
        }
    }

    @Test
    void a_changed_year_to_date_row_replays_only_its_series_and_gives_what_the_full_replay_gives() throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 17))) {
            int replayed = sameAsFullReplay(engine, realDeliveryTo2500);
            assertTrue(replayed > 0 && replayed < engine.readingCount(), replayed + " of " + engine.readingCount());
        }
    }

    @Test
    void a_removed_row_renumbers_the_rows_after_it_and_those_are_replayed_too() throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 19))) {
            int replayed = sameAsFullReplay(engine, realWithoutDrugs);
            assertTrue(replayed > 0 && replayed < engine.readingCount(), replayed + " of " + engine.readingCount());
        }
    }

    @Test
    void a_changed_comparator_row_gives_what_the_full_replay_gives_for_every_kind() throws Exception {
        try (RuleEngine engine = running(everyKind, feedAndFuzz(everyKind, 31))) {
            int replayed = sameAsFullReplay(engine, everyKindComparatorTighter);
            assertTrue(replayed > 0 && replayed < engine.readingCount(), replayed + " of " + engine.readingCount());
        }
    }

    @Test
    void a_change_beyond_target_rows_replays_every_reading_and_one_of_nothing_replays_none() throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 23))) {
            assertEquals(engine.readingCount(), sameAsFullReplay(engine, realContactRenamed));
            assertEquals(0, sameAsFullReplay(engine, real));
        }
    }

    @Test
    void readings_and_the_clock_during_a_change_are_compared_again_for_their_series_only_and_give_the_full_replay()
            throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 29))) {
            // given a candidate built from a snapshot, and its rating changes against the snapshot
            RuleEngine.Snapshot snapshot = engine.snapshot();
            RuleEngine next = RuleEngine.replaying(realKsiTo30, snapshot);
            List<RuleEngine.RatingChange> prior = RuleEngine.ratingChanges(snapshot, next);
            // when readings come meanwhile (the changed indicator's among them) and the clock moves, and the candidate
            // catches up with the readings the running engine took
            java.util.Set<SeriesKey> read = new java.util.HashSet<>();
            List<Reading> taken = new java.util.ArrayList<>();
            List<Reading> meanwhile = EngineDifferentialTest.fuzz(real.ruleSet().targets(), 41).stream()
                    .filter(r -> r.series().toString().equals("maidstone/ksi-casualties/maidstone")
                            || r.indicator().equals("needles-collected"))
                    .limit(80).toList();
            for (Reading r : meanwhile) {
                try {
                    if (engine.process(r).recorded()) {
                        taken.add(r);
                        read.add(r.series());
                    }
                } catch (InvalidReadingException e) {
                    // not taken, not stored: the candidate never hears of it
                }
            }
            engine.advanceTo(engine.now().plusSeconds(3 * 86_400));
            next.submitAll(taken);
            java.util.Set<String> indicators = new java.util.HashSet<>();
            read.forEach(k -> indicators.add(k.indicator()));
            assertTrue(indicators.contains("ksi-casualties") && indicators.size() <= 4
                            && engine.latest().stream().filter(a -> a.indicator().equals("ksi-casualties")).count()
                            > read.stream().filter(k -> k.indicator().equals("ksi-casualties")).count(),
                    "the readings meanwhile touch some series of the changed indicator, not every one: " + read);
            // then comparing again only the series read gives what the full replay of everything gives
            try (RuleEngine.Rebuilt full = engine.rebuild(realKsiTo30);
                 RuleEngine.Rebuilt restricted = engine.rebuildFrom(next, prior, read)) {
                assertTrue(!new java.util.HashSet<>(prior).equals(new java.util.HashSet<>(full.ratings())),
                        "the readings meanwhile changed what the change alters");
                assertEquals(full.ratings(), restricted.ratings(), "rating changes");
                assertEquals(full.alerts(), restricted.alerts(), "alert changes");
                assertEquals(full.events(), restricted.events(), "alert events");
                assertEquals(byId(full.alertStates()), byId(restricted.alertStates()), "alert states");
                sameHeld(full.engine(), restricted.engine(), "after the change");
            }
        }
    }

    @Test
    void a_reading_of_a_comparator_area_during_a_change_compares_again_every_area_of_its_indicator_and_gives_the_full_replay()
            throws Exception {
        Target comparator = everyKind.ruleSet().targets().stream().filter(t -> t.kind() == Kind.BELOW_COMPARATOR)
                .findFirst().orElseThrow();
        try (RuleEngine engine = running(everyKind, feedAndFuzz(everyKind, 37))) {
            RuleEngine.Snapshot snapshot = engine.snapshot();
            RuleEngine next = RuleEngine.replaying(everyKindComparatorTighter, snapshot);
            List<RuleEngine.RatingChange> prior = RuleEngine.ratingChanges(snapshot, next);
            // given a reading meanwhile of the comparator area, for a period another area has
            targetwatch.engine.model.Assessment rated = engine.latest().stream()
                    .filter(a -> a.indicator().equals(comparator.indicator()) && !a.area().equals(comparator.comparatorArea()))
                    .findFirst().orElseThrow();
            SeriesKey comparatorSeries = new SeriesKey(rated.partnership(), rated.indicator(), comparator.comparatorArea());
            Reading r = Reading.of(rated.partnership(), rated.indicator(), comparator.comparatorArea(),
                    rated.period().toString(), // the area 2% above its comparator: AMBER by the tolerance it had, RED by 1%
                    rated.actual().divide(new java.math.BigDecimal("1.02"), 6, java.math.RoundingMode.HALF_UP).toPlainString(),
                    "late-revision");
            assertTrue(engine.process(r).recorded());
            next.submitAll(List.of(r));
            // when only the series read is named, every area of the indicator is compared again
            try (RuleEngine.Rebuilt full = engine.rebuild(everyKindComparatorTighter);
                 RuleEngine.Rebuilt restricted = engine.rebuildFrom(next, prior, List.of(comparatorSeries))) {
                java.util.Set<RuleEngine.RatingChange> elsewhere = new java.util.HashSet<>(full.ratings());
                elsewhere.removeAll(prior);
                java.util.Set<RuleEngine.RatingChange> gone = new java.util.HashSet<>(prior);
                full.ratings().forEach(gone::remove);
                elsewhere.addAll(gone);
                elsewhere.removeIf(c -> c.series().equals(comparatorSeries));
                assertTrue(!elsewhere.isEmpty(), "the comparator's reading moved what the change alters in another area: "
                        + r + " " + prior.size() + " " + full.ratings().size());
                assertEquals(full.ratings(), restricted.ratings(), "rating changes");
                assertEquals(full.alerts(), restricted.alerts(), "alert changes");
                assertEquals(full.events(), restricted.events(), "alert events");
                assertEquals(byId(full.alertStates()), byId(restricted.alertStates()), "alert states");
                sameHeld(full.engine(), restricted.engine(), "after the change");
            }
        }
    }

    @Test
    void a_snapshot_taken_again_holds_what_changed_since_the_last_and_the_last_stays_as_it_was_taken() throws Exception {
        try (RuleEngine engine = running(real, feedAndFuzz(real, 43))) {
            RuleEngine.Snapshot first = engine.snapshot();
            // given a held KSI reading revised after a first snapshot (its rating, and its neighbours', move)
            Reading held = first.readings().stream().filter(r -> r.indicator().equals("ksi-casualties")).findFirst()
                    .orElseThrow();
            Reading revised = new Reading(held.partnership(), held.indicator(), held.area(), held.period(),
                    held.value().add(java.math.BigDecimal.valueOf(25)), held.source(), null, null);
            assertTrue(!engine.process(revised).assessments().isEmpty(), "the revision moved assessments");
            // and another series' reading from a second source, of the value in force: kept, moving no assessment
            Reading other = first.readings().stream().filter(r -> !r.series().equals(held.series())).findFirst().orElseThrow();
            Reading seconded = new Reading(other.partnership(), other.indicator(), other.area(), other.period(),
                    engine.assessment(other.series(), other.period()).map(a -> a.actual()).orElse(other.value()),
                    "second-source", null, null);
            assertTrue(engine.process(seconded).assessments().isEmpty(), "the second source moved no assessment");
            // when a snapshot is taken again
            RuleEngine.Snapshot again = engine.snapshot();
            // then it holds both and what they moved, and the first holds what it held
            assertEquals(new java.util.HashSet<>(engine.heldReadings()), new java.util.HashSet<>(again.readings()));
            assertTrue(again.readings().contains(revised) && !again.readings().contains(held));
            assertTrue(again.readings().contains(seconded) && !first.readings().contains(seconded));
            assertTrue(first.readings().contains(held) && !first.readings().contains(revised));
            try (RuleEngine.Rebuilt full = engine.rebuild(realKsiTo30);
                 RuleEngine.Rebuilt previewed = RuleEngine.preview(again, RuleEngine.replaying(realKsiTo30, again),
                         Integer.MAX_VALUE)) {
                assertEquals(full.ratings(), previewed.ratings(), "rating changes against the snapshot taken again");
                assertEquals(full.events(), previewed.events(), "alert events");
                sameHeld(full.engine(), previewed.engine(), "built from the snapshot taken again");
            }
        }
    }

    /**
     * Rebuilds the engine under the candidate both ways and asserts the results the same, now and fed the same readings
     * and clock afterwards; returns how many readings the incremental way replayed.
     */
    private static int sameAsFullReplay(RuleEngine engine, CompiledRules candidate) throws Exception {
        RuleEngine.Snapshot snapshot = engine.snapshot();
        try (RuleEngine.Rebuilt full = engine.rebuild(candidate);
             RuleEngine.Rebuilt incremental = engine.rebuildFrom(RuleEngine.replaying(candidate, snapshot));
             RuleEngine.Rebuilt previewed = RuleEngine.preview(snapshot, RuleEngine.replaying(candidate, snapshot),
                     Integer.MAX_VALUE)) {
            for (RuleEngine.Rebuilt other : List.of(incremental, previewed)) {
                assertEquals(full.ratings(), other.ratings(), "rating changes");
                assertEquals(full.alerts(), other.alerts(), "alert changes");
                assertEquals(full.events(), other.events(), "alert events");
                assertEquals(byId(full.alertStates()), byId(other.alertStates()), "alert states");
                sameHeld(full.engine(), other.engine(), "after the change");
            }
            assertTrue(!full.ratings().isEmpty() || candidate == real || candidate == realContactRenamed,
                    "the change changes ratings");
            // the carried streaks, watches and alerts go on as the replayed ones do
            List<Reading> later = EngineDifferentialTest.fuzz(candidate.ruleSet().targets(), 97);
            Instant clock = full.engine().now();
            long events = 0;
            for (int i = 0; i < later.size(); i++) {
                Reading r = later.get(i);
                clock = clock.plusSeconds(6 * 3600);
                events += same("clock " + clock, full.engine().advanceTo(clock), incremental.engine().advanceTo(clock),
                        full.engine(), incremental.engine());
                Outcome a;
                Outcome b;
                try {
                    a = full.engine().process(r);
                } catch (InvalidReadingException e) {
                    a = null;
                }
                try {
                    b = incremental.engine().process(r);
                } catch (InvalidReadingException e) {
                    b = null;
                }
                assertEquals(a == null, b == null, "reading " + r + " refused by one only");
                if (a != null) {
                    events += same("reading " + i + " " + r, a, b, full.engine(), incremental.engine());
                }
            }
            sameHeld(full.engine(), incremental.engine(), "after readings and a year of clock");
            assertTrue(events > 0, "the readings after the change caused alert events");
            return incremental.engine().replayedReadings();
        }
    }

    private static void sameHeld(RuleEngine full, RuleEngine other, String when) {
        assertEquals(full.assessments(), other.assessments(), when + ": assessments");
        assertEquals(full.latest(), other.latest(), when + ": latest");
        assertEquals(full.alertStates(), other.alertStates(), when + ": alert states");
        assertEquals(full.openAlerts(), other.openAlerts(), when + ": open alerts");
        assertEquals(full.readingCount(), other.readingCount(), when + ": readings held");
        assertEquals(new java.util.HashSet<>(full.heldReadings()), new java.util.HashSet<>(other.heldReadings()), when + ": readings");
    }

    private static List<Reading> feedAndFuzz(CompiledRules rules, long seed) {
        List<Reading> readings = new java.util.ArrayList<>(
                ReadingFeed.generate(rules.ruleSet().targets(), 3_000, 2012, 2018).readings());
        readings.addAll(EngineDifferentialTest.fuzz(rules.ruleSet().targets(), seed));
        return readings;
    }

    /**
     * An engine that took the readings in order, each the day after its period ends (or at once when that has passed),
     * the clock stepping twice a day in between, one raised alert in three acknowledged: alerts raised, escalated,
     * reminded, late and resolved, as a running service's are.
     */
    private static RuleEngine running(CompiledRules rules, List<Reading> readings) throws Exception {
        RuleEngine engine = new RuleEngine(rules);
        Instant clock = Instant.EPOCH;
        long events = 0;
        for (Reading r : readings) {
            Instant arrival = r.period().end().plusDays(1).atTime(LocalTime.of(10, 0)).atZone(Now.ZONE).toInstant();
            if (arrival.isAfter(clock)) {
                Instant first = clock.equals(Instant.EPOCH) ? arrival : EngineDifferentialTest.nextStep(clock);
                for (Instant step = first; step.isBefore(arrival); step = EngineDifferentialTest.nextStep(step)) {
                    events += acknowledgeSome(engine, engine.advanceTo(step));
                }
                clock = arrival;
                events += acknowledgeSome(engine, engine.advanceTo(arrival));
            }
            try {
                events += acknowledgeSome(engine, engine.process(r));
            } catch (InvalidReadingException e) {
                // the fuzz corpus has the odd reading the rule set does not take
            }
        }
        assertTrue(events > 100 && !engine.alertStates().isEmpty(), "the running engine has alerts (" + events + " events)");
        return engine;
    }

    private static long acknowledgeSome(RuleEngine engine, Outcome o) throws Exception {
        for (AlertEvent e : o.alertEvents()) {
            if (e.type() == AlertEventType.RAISED && Math.floorMod(e.alertId().hashCode(), 3) == 0) {
                engine.acknowledge(e.alertId(), e.recipient(), "looking into it");
            }
        }
        return o.alertEvents().size();
    }

    /** One step's outcomes the same in both (events in the order of their series, alert states by id); acks alike. */
    private static long same(String step, Outcome a, Outcome b, RuleEngine full, RuleEngine other) throws Exception {
        assertEquals(a.assessments(), b.assessments(), step + ": assessments");
        assertEquals(bySeries(a.alertEvents()), bySeries(b.alertEvents()), step + ": alert events");
        assertEquals(byId(a.alerts()), byId(b.alerts()), step + ": alert states");
        long events = a.alertEvents().size();
        for (AlertEvent e : List.copyOf(a.alertEvents())) {
            if (e.type() == AlertEventType.RAISED && Math.floorMod(e.alertId().hashCode(), 3) == 0) {
                events += same(step + ", acknowledging " + e.alertId(), full.acknowledge(e.alertId(), e.recipient(), "seen"),
                        other.acknowledge(e.alertId(), e.recipient(), "seen"), full, other);
            }
        }
        return events;
    }

    private static List<AlertEvent> bySeries(List<AlertEvent> events) {
        return events.stream().sorted(Comparator.comparing((AlertEvent e) -> e.series().toString())
                .thenComparingLong(AlertEvent::sequence)).toList();
    }

    private static List<AlertState> byId(List<AlertState> alerts) {
        return alerts.stream().sorted(Comparator.comparing(AlertState::id)).toList();
    }
}
