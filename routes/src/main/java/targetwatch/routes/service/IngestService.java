package targetwatch.routes.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;
import targetwatch.engine.store.StoredReading;

/**
 * What the routes see of the engine and the store: readings in; assessments, alert events and their
 * deliveries committed together; the counts the health check reports. Every source goes through
 * {@link #ingest}. On start the engine's working memory is rebuilt from the stored readings.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final int RECOVERY_CHUNK = 5_000;

    private CompiledRules rules;
    private int ruleSetVersion;
    private final Store store;
    private final Set<Sink> sinks;
    private final Clock clock;
    private final boolean clockRunning;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private RuleEngine engine;
    /** How long after the last reading of a history its summaries wait, on the machine's monotonic time. */
    private final Duration historySummaryWait;
    private long lastHistoryNanos;

    /** The result of one ingestion: what changed, and the readings refused with their reasons. */
    public record Result(int accepted, List<Assessment> assessments, List<AlertEvent> alertEvents,
                         List<RejectedReading> rejected) {
    }

    /** A reading with its row or item number in what it came in. */
    public record Positioned(Reading reading, long position) {
    }

    /**
     * @param clockRunning whether the engine's clock follows {@code clock}, so that escalations after working days,
     *                     reminders, late data and silences happen; when false it stays put and only readings and
     *                     acknowledgements change alerts (for comparing runs of the same readings, as the crash test does)
     */
    public IngestService(CompiledRules rules, Store store, Set<Sink> sinks, Clock clock, boolean clockRunning) {
        this(rules, store, sinks, clock, clockRunning, DEFAULT_HISTORY_SUMMARY_WAIT);
    }

    /** Summaries of a history load wait this long after its last reading, so that a load in many files gets one each. */
    public static final Duration DEFAULT_HISTORY_SUMMARY_WAIT = Duration.ofSeconds(60);

    /**
     * @param historySummaryWait how long after the last reading whose events were history (a history being loaded)
     *                           the people told of its alerts are sent one summary each of those open
     */
    public IngestService(CompiledRules rules, Store store, Set<Sink> sinks, Clock clock, boolean clockRunning,
                         Duration historySummaryWait) {
        this.historySummaryWait = historySummaryWait;
        this.rules = rules;
        this.store = store;
        this.sinks = Set.copyOf(sinks);
        this.clock = clock;
        this.clockRunning = clockRunning;
        this.engine = recover();
    }

    public IngestService(CompiledRules rules, Store store, Set<Sink> sinks, Clock clock) {
        this(rules, store, sinks, clock, true);
    }

    /**
     * A new engine holding every stored reading and the alerts that were open, its alert numbering continued; then
     * whatever fell due while the service was down happens (and is stored); nothing already sent is sent again.
     */
    private RuleEngine recover() {
        long started = System.nanoTime();
        RuleEngine fresh = RuleEngine.restoring(rules);
        List<Reading> chunk = new ArrayList<>(RECOVERY_CHUNK);
        long[] count = new long[1];
        store.forEachReading(r -> {
            chunk.add(r);
            count[0]++;
            if (chunk.size() == RECOVERY_CHUNK) {
                fresh.submitAll(chunk);
                chunk.clear();
            }
        });
        fresh.submitAll(chunk);
        fresh.restoreEventSequences(store.eventSequences());
        List<AlertState> open = store.openAlerts();
        Outcome resumed = fresh.resume(open, clockRunning ? clock.instant() : Instant.EPOCH);
        if (!resumed.isEmpty()) {
            store.saveAlertChanges(resumed.alertEvents(), resumed.alerts(), sinks, clock.instant());
        }
        if (count[0] > 0) {
            LOG.info("rebuilt rule state from {} stored readings and {} open alerts in {} ms ({} alert events on resuming)",
                    count[0], open.size(), (System.nanoTime() - started) / 1_000_000, resumed.alertEvents().size());
        }
        return fresh;
    }

    /** The service's clock: what it stores as the time of what happens. */
    public Clock clock() {
        return clock;
    }

    /** How far the engine's clock may lag behind when readings come: alert times are this precise. */
    static final Duration INGEST_CLOCK_STEP = Duration.ofSeconds(1);

    /**
     * Moves the engine's clock to now and stores what fell due (escalations, reminders, late data, silences), in one
     * transaction. Called by the alert clock's timer, and before readings and acknowledgements are taken.
     */
    public synchronized List<AlertEvent> tick() {
        if (!clockRunning) {
            return List.of();
        }
        return guarded("the alert clock", () -> {
            Outcome o = engine.advanceTo(clock.instant());
            List<AlertEvent> events = new ArrayList<>(o.alertEvents());
            if (engine.summaryOwed() && System.nanoTime() - lastHistoryNanos >= historySummaryWait.toNanos()) {
                List<AlertEvent> summaries = engine.summariseHistory();
                LOG.info("a history was loaded: {} people told of its alerts are sent a summary of those open", summaries.size());
                events.addAll(summaries);
            }
            if (!events.isEmpty() || !o.alerts().isEmpty()) {
                store.saveAlertChanges(events, o.alerts(), sinks, clock.instant());
            }
            return events;
        });
    }

    /**
     * Someone acknowledges an open alert: stored with the ACKNOWLEDGED events it sends to everyone told.
     *
     * @throws NoSuchAlertException when no open alert has the id
     */
    public synchronized List<AlertEvent> acknowledge(String alertId, String by, String comment) throws NoSuchAlertException {
        tick();
        Outcome o = engine.acknowledge(alertId, by, comment);
        return guarded("an acknowledgement", () -> {
            store.saveAlertChanges(o.alertEvents(), o.alerts(), sinks, clock.instant());
            return o.alertEvents();
        });
    }

    /** Runs a change of the engine that is then stored; if the store fails, rule state is rebuilt from the store. */
    private <T> T guarded(String what, java.util.function.Supplier<T> change) {
        try {
            return change.get();
        } catch (RuntimeException e) {
            LOG.warn("could not store {} ({}); rebuilding rule state from the store", what, e.getMessage());
            engine.close();
            engine = recover();
            throw e;
        }
    }

    /** Why the rule set cannot take this reading, or empty. Nothing is stored. */
    public synchronized List<String> problemsWith(Reading r) {
        return engine.problemsWith(r);
    }

    /**
     * Assesses readings in order and stores them with everything they caused in one transaction. Each
     * reading the rule set refuses is reported with {@code where} and its position; the others are taken.
     * If the store fails nothing is kept: the engine is rebuilt from the store and the exception thrown,
     * so the caller's source can roll back and try again.
     */
    public synchronized Result ingest(String where, List<Positioned> readings) {
        // a move of the clock re-weighs every time rule, so a stream of readings moves it once a second at most
        if (!engine.now().plus(INGEST_CLOCK_STEP).isAfter(clock.instant())) {
            tick();
        }
        List<Assessment> assessments = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>();
        List<RejectedReading> refused = new ArrayList<>();
        List<StoredReading> toStore = new ArrayList<>();
        int accepted = 0;
        try {
            for (Positioned p : readings) {
                try {
                    Outcome o = engine.process(p.reading());
                    accepted++;
                    if (o.recorded()) {
                        toStore.add(new StoredReading(p.reading(), where + (p.position() > 0 ? ":" + p.position() : ""),
                                o.assessments(), o.alertEvents(), o.alerts()));
                        assessments.addAll(o.assessments());
                        events.addAll(o.alertEvents());
                    }
                } catch (InvalidReadingException e) {
                    refused.add(new RejectedReading(where, p.position(), e.getMessage()));
                }
            }
            store.save(toStore, sinks, rules.ruleSet().checksum(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("could not store what {} brought ({}); rebuilding rule state from the store", where, e.getMessage());
            engine.close();
            engine = recover();
            throw e;
        }
        if (events.stream().anyMatch(AlertEvent::history)) {
            lastHistoryNanos = System.nanoTime();
        }
        taken.addAndGet(accepted);
        rejected.addAndGet(refused.size());
        return new Result(accepted, assessments, events, refused);
    }

    /** Counts a message, file or request that went to the dead-letter place. */
    public void countDeadLettered() {
        deadLettered.incrementAndGet();
    }

    /** The open alerts as the engine holds them now. */
    public synchronized List<AlertState> openAlerts() {
        return engine.alertStates();
    }

    public synchronized List<Assessment> latest() {
        return engine.latest();
    }

    /** Every assessment the engine holds for one series, oldest period first: what the pages chart. */
    public synchronized List<Assessment> history(targetwatch.engine.model.SeriesKey series) {
        return engine.assessments().stream().filter(a -> a.series().equals(series))
                .sorted(java.util.Comparator.comparing(Assessment::period)).toList();
    }

    /** Every assessment the engine holds, in period order: what the report reads. */
    public synchronized List<Assessment> assessments() {
        return engine.assessments();
    }

    public synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    public synchronized int ruleCount() {
        return rules.ruleCount();
    }

    /** The stored version number of the active rule set (0 before the first is stored). */
    public synchronized int ruleSetVersion() {
        return ruleSetVersion;
    }

    /** What a candidate rule set would change, computed beside the running one; nothing is changed. */
    public synchronized RuleEngine.Rebuilt preview(CompiledRules candidate) {
        return engine.rebuild(candidate);
    }

    /**
     * Makes a stored rule set version the active one. Readings arriving meanwhile wait on this object's
     * lock and are assessed under the new rule set once it is active; what the change alters (ratings,
     * and alerts opened, closed or changed, with the reason "rule change") is stored in the same
     * transaction as the activation. If the store refuses, the running rule set stays.
     */
    public synchronized RuleEngine.Rebuilt activate(int version, CompiledRules candidate) {
        RuleEngine.Rebuilt rebuilt = engine.rebuild(candidate);
        try {
            store.activate(version, rebuilt.changedAssessments(), rebuilt.events(), rebuilt.alertStates(), sinks,
                    clock.instant());
        } catch (RuntimeException e) {
            rebuilt.close();
            throw e;
        }
        engine.close();
        engine = rebuilt.engine();
        rules = candidate;
        ruleSetVersion = version;
        LOG.info("rule set version {} is active: {} ratings and {} alerts changed", version, rebuilt.ratings().size(),
                rebuilt.alerts().size());
        return rebuilt;
    }

    /** Records which stored version the rule set loaded at start is. */
    public synchronized void startedWith(int version) {
        ruleSetVersion = version;
    }

    public Store store() {
        return store;
    }

    public long readingsTaken() {
        return taken.get();
    }

    public long readingsRejected() {
        return rejected.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public synchronized void close() {
        engine.close();
    }
}
