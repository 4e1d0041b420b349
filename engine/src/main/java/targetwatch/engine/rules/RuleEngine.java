package targetwatch.engine.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;

/**
 * The engine's facade: takes readings, keeps the latest per (partnership, indicator, area, period,
 * source), runs the active rule set and says which assessments changed. Not thread-safe by accident:
 * every public method is synchronized, one reading at a time.
 */
public final class RuleEngine implements AutoCloseable {

    /** What a period of a series is worth: the readings from each source, the latest last. */
    private final Map<PeriodKey, LinkedHashMap<String, Reading>> readings = new HashMap<>();
    private final Map<PeriodKey, FactHandle> observations = new HashMap<>();
    private final Map<PeriodKey, Assessment> current = new HashMap<>();
    /** What the rules inserted and deleted during the current firing. */
    private final List<Assessment> inserted = new ArrayList<>();
    private final Set<Assessment> deleted = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<FactHandle> signals = new ArrayList<>();
    /** How many alert events each series has had: part of each event's stable id. */
    private final Map<SeriesKey, Long> eventSequences = new HashMap<>();
    private CompiledRules rules;
    private KieSession session;

    public RuleEngine(CompiledRules rules) {
        this.rules = rules;
        this.session = newSession(rules);
    }

    private KieSession newSession(CompiledRules compiled) {
        KieSession s = compiled.kieBase().newKieSession();
        s.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent event) {
                if (event.getObject() instanceof Assessment a) {
                    inserted.add(a);
                } else if (event.getObject() instanceof AlertSignal) {
                    signals.add(event.getFactHandle());
                }
            }

            @Override
            public void objectDeleted(ObjectDeletedEvent event) {
                if (event.getOldObject() instanceof Assessment a) {
                    deleted.add(a);
                }
            }
        });
        return s;
    }

    /** The rule set in force. */
    public synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    /** Why the active rule set cannot take this reading; empty when it can. */
    public synchronized List<String> problemsWith(Reading r) {
        List<String> problems = new ArrayList<>();
        Optional<Target> target = rules.ruleSet().targetFor(r.partnership(), r.indicator());
        if (target.isEmpty()) {
            problems.add(rules.ruleSet().targetsFor(r.indicator()).isEmpty()
                    ? "unknown indicator \"" + r.indicator() + "\": the rule set has no target for it"
                    : "indicator \"" + r.indicator() + "\" has no target for partnership \"" + r.partnership() + "\"");
        } else {
            target.get().unit().problemWith(r.value()).ifPresent(problems::add);
        }
        return problems;
    }

    /**
     * Takes one reading and returns the assessments it changed: its own period's, and those of later
     * periods whose direction of travel or year to date depends on it. A duplicate changes nothing.
     */
    public synchronized List<Assessment> submit(Reading r) throws InvalidReadingException {
        return process(r).assessments();
    }

    /**
     * Takes one reading and returns everything it changed: assessments, and the alert events to deliver.
     *
     * @throws InvalidReadingException when the active rule set cannot take the reading; nothing changes
     */
    public synchronized Outcome process(Reading r) throws InvalidReadingException {
        List<String> problems = problemsWith(r);
        if (!problems.isEmpty()) {
            throw new InvalidReadingException(problems);
        }
        return record(r) ? fire() : Outcome.NOTHING;
    }

    /**
     * Takes many readings in one firing (faster than one at a time); the invalid ones are skipped and
     * returned by the caller's check beforehand. Returns the assessments that changed.
     */
    public synchronized Outcome submitAll(Collection<Reading> batch) {
        boolean changed = false;
        for (Reading r : batch) {
            if (problemsWith(r).isEmpty()) {
                changed |= record(r);
            }
        }
        return changed ? fire() : Outcome.NOTHING;
    }

    /** Keeps the reading and updates the observation it feeds; false when nothing changed. */
    private boolean record(Reading r) {
        PeriodKey key = new PeriodKey(r.series(), r.period());
        LinkedHashMap<String, Reading> bySource = readings.computeIfAbsent(key, k -> new LinkedHashMap<>());
        Reading before = bySource.get(r.source());
        if (before != null && before.value().compareTo(r.value()) == 0) {
            return false;
        }
        bySource.remove(r.source());
        bySource.put(r.source(), r);
        Observation observation = new Observation(r.partnership(), r.indicator(), r.area(), r.period(), r.value());
        FactHandle handle = observations.get(key);
        if (handle == null) {
            observations.put(key, session.insert(observation));
            return true;
        }
        if (observation.equals(session.getObject(handle))) {
            return false;
        }
        session.update(handle, observation);
        return true;
    }

    /** Fires the rules and compares what they now hold with what they held before. */
    private Outcome fire() {
        inserted.clear();
        deleted.clear();
        signals.clear();
        session.fireAllRules();
        List<AlertEvent> events = new ArrayList<>();
        for (FactHandle h : signals) {
            events.add(alertEvent((AlertSignal) session.getObject(h)));
            session.delete(h);
        }
        signals.clear();
        Map<PeriodKey, Assessment> after = new LinkedHashMap<>();
        for (Assessment a : deleted) {
            after.putIfAbsent(PeriodKey.of(a), null);
        }
        for (Assessment a : inserted) {
            if (!deleted.contains(a)) {
                after.put(PeriodKey.of(a), a);
            }
        }
        List<Assessment> changed = new ArrayList<>();
        after.forEach((key, a) -> {
            if (a == null) {
                current.remove(key);
            } else if (!a.equals(current.put(key, a))) {
                changed.add(a);
            }
        });
        inserted.clear();
        deleted.clear();
        changed.sort(Comparator.comparing(Assessment::period).thenComparing(a -> a.series().toString()));
        return new Outcome(true, changed, events);
    }

    /** The event a signal stands for, addressed to the lead of the target that rated it. */
    private AlertEvent alertEvent(AlertSignal signal) {
        Assessment a = signal.getAssessment();
        Target target = rules.ruleSet().targetFor(a.partnership(), a.indicator()).orElseThrow();
        int level = 1;
        long sequence = eventSequences.merge(a.series(), 1L, Long::sum);
        return new AlertEvent(AlertEvent.idFor(a.series(), sequence, a.period(), signal.getType(), a.rating(), level),
                sequence, signal.getType(), a.partnership(), a.indicator(), a.area(), a.period(), a.rating(),
                signal.getPreviousSeverity(), a.actual(), a.expected(), a.direction(), level, a.targetRow(), target.lead(),
                null);
    }

    /**
     * Builds an engine holding the same readings under a candidate rule set, beside this one, and says what
     * would change: every rating that differs, every alert that would open, close or change severity, and
     * the alert events that announce those (with the reason "rule change"; an alert open under both rule
     * sets with the same severity stays one alert and says nothing). This engine is not changed: a preview
     * closes the result, an activation adopts it.
     */
    public synchronized Rebuilt rebuild(CompiledRules candidate) {
        RuleEngine next = new RuleEngine(candidate);
        List<Reading> held = new ArrayList<>();
        readings.values().forEach(bySource -> held.addAll(bySource.values()));
        next.submitAll(held);
        next.eventSequences.putAll(eventSequences);

        List<RatingChange> ratings = new ArrayList<>();
        java.util.Set<PeriodKey> keys = new java.util.TreeSet<>(Comparator.comparing(PeriodKey::period)
                .thenComparing(k -> k.series().toString()));
        keys.addAll(current.keySet());
        keys.addAll(next.current.keySet());
        for (PeriodKey k : keys) {
            Assessment before = current.get(k);
            Assessment after = next.current.get(k);
            if (before == null || after == null || before.rating() != after.rating()
                    || !java.util.Objects.equals(before.expected(), after.expected())) {
                ratings.add(new RatingChange(k.series(), k.period(), before, after));
            }
        }
        List<AlertChange> alerts = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>();
        Map<SeriesKey, Rating> open = openAlerts();
        Map<SeriesKey, Rating> openNext = next.openAlerts();
        java.util.Set<SeriesKey> series = new java.util.TreeSet<>(Comparator.comparing(SeriesKey::toString));
        series.addAll(open.keySet());
        series.addAll(openNext.keySet());
        for (SeriesKey k : series) {
            Rating before = open.get(k);
            Rating after = openNext.get(k);
            if (before == after) {
                continue;
            }
            alerts.add(new AlertChange(k, before, after));
            AlertEventType type = before == null ? AlertEventType.RAISED : after == null ? AlertEventType.RESOLVED
                    : after == Rating.RED ? AlertEventType.WORSENED : AlertEventType.IMPROVED;
            Optional<Assessment> latest = next.latestOf(k);
            if (latest.isPresent()) {
                events.add(next.ruleChangeEvent(type, latest.get(), before, next.leadOf(latest.get())));
            } else {
                // the candidate no longer rates the series (its target was dropped): the alert still resolves, told
                // to the lead it had, at the period it was last rated
                latestOf(k).ifPresent(a -> events.add(next.ruleChangeEvent(type, a, before, leadOf(a))));
            }
        }
        return new Rebuilt(next, ratings, alerts, events);
    }

    /** The assessment of the latest period of a series. */
    private Optional<Assessment> latestOf(SeriesKey series) {
        return current.values().stream().filter(a -> a.series().equals(series)).max(Comparator.comparing(Assessment::period));
    }

    /** The lead of the target that rates the assessment's series under this engine's rule set. */
    private String leadOf(Assessment a) {
        return rules.ruleSet().targetFor(a.partnership(), a.indicator()).map(Target::lead).orElseGet(() -> previousLead(a));
    }

    private AlertEvent ruleChangeEvent(AlertEventType type, Assessment a, Rating previous, String lead) {
        long sequence = eventSequences.merge(a.series(), 1L, Long::sum);
        Rating severity = type == AlertEventType.RESOLVED ? Rating.GREEN : a.rating();
        return new AlertEvent(AlertEvent.idFor(a.series(), sequence, a.period(), type, severity, 1), sequence, type,
                a.partnership(), a.indicator(), a.area(), a.period(), severity, previous, a.actual(), a.expected(),
                a.direction(), 1, a.targetRow(), lead, RULE_CHANGE);
    }

    private String previousLead(Assessment a) {
        return rules.ruleSet().targetsFor(a.indicator()).stream().map(Target::lead).findFirst().orElse("unknown");
    }

    /** The reason given on alert events that a rule set change caused. */
    public static final String RULE_CHANGE = "rule change";

    /** A rating that a candidate rule set would change (before or after null: no assessment). */
    public record RatingChange(SeriesKey series, Period period, Assessment before, Assessment after) {
    }

    /** An alert that a candidate rule set would open (before null), close (after null) or change. */
    public record AlertChange(SeriesKey series, Rating before, Rating after) {
    }

    /**
     * An engine rebuilt under a candidate rule set, and what it changes. Close it when only previewing.
     */
    public record Rebuilt(RuleEngine engine, List<RatingChange> ratings, List<AlertChange> alerts,
                          List<AlertEvent> events) implements AutoCloseable {
        /** The assessments the change alters, as they are under the candidate. */
        public List<Assessment> changedAssessments() {
            return ratings.stream().map(RatingChange::after).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /**
     * Restores how many alert events each series has had (from the store, after a restart), so that
     * new events continue the sequence and get new ids.
     */
    public synchronized void restoreEventSequences(Map<SeriesKey, Long> sequences) {
        eventSequences.clear();
        eventSequences.putAll(sequences);
    }

    /** The alerts open now, by series, with their severity. */
    public synchronized Map<SeriesKey, Rating> openAlerts() {
        Map<SeriesKey, Rating> open = new java.util.TreeMap<>(Comparator.comparing(SeriesKey::toString));
        for (Object o : session.getObjects(x -> x instanceof Alert)) {
            Alert alert = (Alert) o;
            open.put(new SeriesKey(alert.getPartnership(), alert.getIndicator(), alert.getArea()), alert.getSeverity());
        }
        return open;
    }

    /** The assessment of one period of a series, if it has one. */
    public synchronized Optional<Assessment> assessment(SeriesKey series, Period period) {
        return Optional.ofNullable(current.get(new PeriodKey(series, period)));
    }

    /** The latest assessed period of every series, ordered by partnership, indicator and area. */
    public synchronized List<Assessment> latest() {
        Map<SeriesKey, Assessment> latest = new HashMap<>();
        for (Assessment a : current.values()) {
            latest.merge(a.series(), a, (x, y) -> x.period().compareTo(y.period()) >= 0 ? x : y);
        }
        return latest.values().stream()
                .sorted(Comparator.comparing(Assessment::partnership).thenComparing(Assessment::indicator)
                        .thenComparing(Assessment::area))
                .toList();
    }

    /** Every assessment held, in period order: for history and previews. */
    public synchronized List<Assessment> assessments() {
        return current.values().stream()
                .sorted(Comparator.comparing(Assessment::period).thenComparing(a -> a.series().toString())).toList();
    }

    /** How many readings (one per series, period and source) the engine holds. */
    public synchronized int readingCount() {
        return readings.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public synchronized void close() {
        session.dispose();
    }

    /** One period of one series. */
    record PeriodKey(SeriesKey series, Period period) {
        static PeriodKey of(Assessment a) {
            return new PeriodKey(a.series(), a.period());
        }
    }
}
