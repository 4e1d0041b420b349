package targetwatch.routes.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.FencedOutException;
import targetwatch.engine.store.ProcessedMessage;
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

    /** Swapped under the ingest lock, read without it (see {@link #ruleSet()}). */
    private volatile CompiledRules rules;
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
    /** One rule set change at a time. */
    private final Object changing = new Object();
    /** While a change is being built from a snapshot: the readings stored since, for it to catch up with. */
    private List<Reading> storedSinceSnapshot;

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
            LOG.warn("could not store {} ({}); rebuilding rule state from the store", what, PlainText.forLog(e.getMessage()));
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
        tickIfDue();
        Assessed a = assess(new Incoming(null, where, readings, List.of()));
        storeOrRebuild(where, a.toStore(), List.of());
        count(a);
        return a.count();
    }

    /**
     * One message of a batch: its id (what makes it exactly once; null when its sender gave it none), where it came
     * from, the readings parsed from it and what could not be parsed.
     */
    public record Incoming(String messageId, String where, List<Positioned> readings, List<RejectedReading> unparsed) {
        public Incoming {
            readings = List.copyOf(readings);
            unparsed = List.copyOf(unparsed);
        }
    }

    /**
     * What became of one message of a batch.
     *
     * @param result what it brought: readings taken, what they changed, what was refused (parsing included)
     * @param deadLetterReason why it goes to the dead-letter queue (some or all of it refused, or unstorable), or null
     * @param repeat whether it had been taken before (a redelivery): then nothing changed
     */
    public record Taken(Result result, String deadLetterReason, boolean repeat) {
    }

    /**
     * Assesses a batch of messages in order, one reading at a time, and stores all they brought with their ids in one
     * transaction. A message whose id is stored already (the broker delivered it again after a commit it never heard
     * of) changes nothing and keeps the dead-letter reason it had. If the batch cannot be stored, its messages are
     * taken again one at a time, each in its own transaction, so that the one the database refuses (while it answers
     * for the others) is isolated: it is kept as dead-lettered with the database's reason, and the rest are stored. If
     * the database does not answer at all, the exception is thrown and nothing of the batch is kept but what was
     * stored message by message before, so the source can roll back and try again.
     */
    public synchronized List<Taken> ingestMessages(List<Incoming> batch) {
        tickIfDue();
        Map<String, ProcessedMessage> seen = store.processedMessages(batch.stream().map(Incoming::messageId)
                .filter(java.util.Objects::nonNull).toList());
        try {
            return takeTogether(batch, seen);
        } catch (RuntimeException e) {
            if (e instanceof FencedOutException || !store.isHealthy()) {
                // another instance owns the partnership now (its messages are that one's to take), or the database
                // is not answering: no message of the batch is at fault
                throw e;
            }
            if (batch.size() == 1) {
                return List.of(unstorable(batch.get(0), e));
            }
            LOG.warn("a batch of {} messages could not be stored ({}); taking them one at a time", batch.size(),
                    PlainText.forLog(e.getMessage()));
        }
        List<Taken> out = new ArrayList<>();
        for (Incoming one : batch) {
            try {
                out.add(takeTogether(List.of(one), seen).get(0));
            } catch (RuntimeException e) {
                if (e instanceof FencedOutException || !store.isHealthy()) {
                    throw e;
                }
                out.add(unstorable(one, e));
            }
        }
        return out;
    }

    /** A message the database refuses while it answers: kept as dead-lettered with the database's reason. */
    private Taken unstorable(Incoming m, RuntimeException e) {
        String reason = "could not be stored: " + e.getMessage();
        if (m.messageId() != null) {
            store.save(List.of(), List.of(new ProcessedMessage(m.messageId(), reason)), sinks, rules.ruleSet().checksum(),
                    clock.instant());
        }
        LOG.warn("{} could not be stored and goes to the dead-letter place: {}", PlainText.forLog(m.where()),
                PlainText.forLog(e.getMessage()));
        return new Taken(new Result(0, List.of(), List.of(), List.of(new RejectedReading(m.where(), 0, reason))), reason,
                false);
    }

    /** The messages assessed in order and stored in one transaction with their ids; the engine rebuilt if that fails. */
    private List<Taken> takeTogether(List<Incoming> batch, Map<String, ProcessedMessage> seen) {
        List<Taken> out = new ArrayList<>();
        List<StoredReading> toStore = new ArrayList<>();
        List<ProcessedMessage> taken = new ArrayList<>();
        List<Assessed> assessed = new ArrayList<>();
        java.util.Set<String> inBatch = new java.util.HashSet<>();
        for (Incoming m : batch) {
            ProcessedMessage before = m.messageId() == null ? null : seen.get(m.messageId());
            if (before != null || (m.messageId() != null && !inBatch.add(m.messageId()))) {
                String reason = before == null ? null : before.deadLetterReason();
                out.add(new Taken(new Result(0, List.of(), List.of(), List.of()), reason, true));
                continue;
            }
            Assessed a = assess(m);
            assessed.add(a);
            toStore.addAll(a.toStore());
            List<RejectedReading> refused = a.count().rejected();
            String reason = refused.isEmpty() ? null : deadLetterReason(refused);
            if (m.messageId() != null) {
                taken.add(new ProcessedMessage(m.messageId(), reason));
            }
            out.add(new Taken(a.count(), reason, false));
        }
        storeOrRebuild(batch.size() == 1 ? batch.get(0).where() : "a batch of " + batch.size() + " messages", toStore, taken);
        assessed.forEach(this::count);
        return out;
    }

    /** What a message's refused items say on the dead-letter queue: "item 2: reason; item 5: reason". */
    public static String deadLetterReason(List<RejectedReading> refused) {
        String reason = refused.stream().map(r -> (r.row() == 0 ? "" : "item " + r.row() + ": ") + r.reason())
                .collect(java.util.stream.Collectors.joining("; "));
        return reason.length() > ProcessedMessage.MAX_REASON ? reason.substring(0, ProcessedMessage.MAX_REASON - 3) + "..." : reason;
    }

    /** Readings assessed and waiting to be stored, the result to report once they are, and how many the rules refused. */
    private record Assessed(List<StoredReading> toStore, Result count, int refusedByRules) {
    }

    /** Counts what a stored message, file or request brought, for the health check. */
    private void count(Assessed a) {
        taken.addAndGet(a.count().accepted());
        rejected.addAndGet(a.refusedByRules());
    }

    /** Runs a message's (or file's, or request's) readings through the engine in order; stores nothing. */
    private Assessed assess(Incoming m) {
        List<Assessment> assessments = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>();
        List<RejectedReading> refused = new ArrayList<>(m.unparsed());
        List<StoredReading> toStore = new ArrayList<>();
        int accepted = 0;
        try {
            for (Positioned p : m.readings()) {
                try {
                    Outcome o = engine.process(p.reading());
                    accepted++;
                    if (o.recorded()) {
                        toStore.add(new StoredReading(p.reading(), m.where() + (p.position() > 0 ? ":" + p.position() : ""),
                                o.assessments(), o.alertEvents(), o.alerts()));
                        assessments.addAll(o.assessments());
                        events.addAll(o.alertEvents());
                    }
                } catch (InvalidReadingException e) {
                    refused.add(new RejectedReading(m.where(), p.position(), e.getMessage()));
                }
            }
        } catch (RuntimeException e) {
            rebuild(m.where(), e);
            throw e;
        }
        if (events.stream().anyMatch(AlertEvent::history)) {
            lastHistoryNanos = System.nanoTime();
        }
        int refusedByRules = refused.size() - m.unparsed().size();
        refused.sort((a, b) -> Long.compare(a.row(), b.row()));
        return new Assessed(toStore, new Result(accepted, assessments, events, refused), refusedByRules);
    }

    /** Stores what was assessed; if the store fails, rule state is rebuilt from the store and the exception thrown. */
    private void storeOrRebuild(String where, List<StoredReading> toStore, List<ProcessedMessage> messages) {
        try {
            store.save(toStore, messages, sinks, rules.ruleSet().checksum(), clock.instant());
            if (storedSinceSnapshot != null) {
                toStore.forEach(r -> storedSinceSnapshot.add(r.reading()));
            }
        } catch (RuntimeException e) {
            rebuild(where, e);
            throw e;
        }
    }

    private void rebuild(String where, RuntimeException cause) {
        LOG.warn("could not store what {} brought ({}); rebuilding rule state from the store", PlainText.forLog(where),
                PlainText.forLog(cause.getMessage()));
        engine.close();
        engine = recover();
    }

    /** A move of the clock re-weighs every time rule, so a stream of readings moves it once a second at most. */
    private void tickIfDue() {
        if (!engine.now().plus(INGEST_CLOCK_STEP).isAfter(clock.instant())) {
            tick();
        }
    }

    /** Forgets the ids of messages taken before {@code before}: no broker redelivers a message that late. */
    public int forgetProcessedMessages(Instant before) {
        return store.forgetProcessedMessages(before);
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

    /**
     * The active rule set, read without the ingest lock: the mail relay looks up each group's settings and the pages
     * their targets while a batch is being taken, and waited for the batch to finish.
     */
    public RuleSet ruleSet() {
        return rules.ruleSet();
    }

    public synchronized int ruleCount() {
        return rules.ruleCount();
    }

    /** The stored version number of the active rule set (0 before the first is stored). */
    public synchronized int ruleSetVersion() {
        return ruleSetVersion;
    }

    /**
     * What a candidate rule set would change, computed beside the running one from a snapshot of what it holds
     * ({@link RuleEngine#snapshot()}, one pass over its periods under the ingest lock), and compared with that snapshot:
     * the replay, the candidate's alert rules and the comparison run without the lock, while readings keep coming.
     * Nothing is changed.
     */
    public RuleEngine.Rebuilt preview(CompiledRules candidate) {
        RuleEngine.Snapshot snapshot;
        synchronized (this) {
            snapshot = engine.snapshot();
        }
        RuleEngine next = RuleEngine.replaying(candidate, snapshot);
        try {
            return RuleEngine.preview(snapshot, next, PREVIEW_LIMIT);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    /** How many rating changes, alert changes and events a preview lists at most, each; the rest are counted. */
    public static final int PREVIEW_LIMIT = 1000;

    /** How many times an activation catches up with the readings stored meanwhile before it takes the ingest lock. */
    private static final int CATCH_UPS = 3;

    /**
     * Makes a stored rule set version the active one without pausing intake for the rebuild: the candidate is built
     * from a snapshot of what the running engine holds while readings keep coming (they are rated by the running rule
     * set and stored); a change of target rows replays only the series those rows rate and carries the others over
     * ({@link RuleEngine#replaying}). It catches up with the readings stored meanwhile, a few times without the lock;
     * then, under the ingest lock, with the last of them, says what the change alters against the running engine
     * (ratings, and alerts opened, closed or changed, with the reason "rule change"), stores that in the same
     * transaction as the activation and takes over. Readings arriving during that short swap wait and are rated by
     * the new rules. If the store refuses, the running rule set stays.
     */
    public RuleEngine.Rebuilt activate(int version, CompiledRules candidate) {
        synchronized (changing) {
            long started = System.nanoTime();
            RuleEngine.Snapshot snapshot;
            RuleEngine snapshotOf;
            synchronized (this) {
                snapshotOf = engine;
                snapshot = snapshotOf.snapshot();
                storedSinceSnapshot = new ArrayList<>();
            }
            long snapshotted = System.nanoTime();
            RuleEngine next = null;
            Store.PendingActivation pending = null;
            try {
                next = RuleEngine.replaying(candidate, snapshot);
                long built = System.nanoTime();
                // the ratings the change alters against the snapshot, written ahead; compared again under the lock only
                // for the indicators read since
                List<RuleEngine.RatingChange> prior = RuleEngine.ratingChanges(snapshot, next);
                pending = store.beginActivation(version, clock.instant());
                pending.write(prior.stream().map(RuleEngine.RatingChange::after).filter(java.util.Objects::nonNull).toList());
                long written = System.nanoTime();
                Set<SeriesKey> readSince = new java.util.HashSet<>();
                for (int i = 0; i < CATCH_UPS; i++) {
                    List<Reading> since;
                    synchronized (this) {
                        if (engine != snapshotOf || storedSinceSnapshot.isEmpty()) {
                            break;
                        }
                        since = storedSinceSnapshot;
                        storedSinceSnapshot = new ArrayList<>();
                    }
                    since.forEach(r -> readSince.add(r.series()));
                    next.submitAll(since);
                }
                long caughtUp = System.nanoTime();
                RuleEngine retired;
                RuleEngine.Rebuilt activated;
                synchronized (this) {
                    long locked = System.nanoTime();
                    RuleEngine.Rebuilt rebuilt;
                    if (engine != snapshotOf) {
                        // rule state was rebuilt from the store meanwhile (a store failure): start from what it holds now
                        pending.close();
                        pending = null;
                        next.close();
                        next = RuleEngine.replaying(candidate, engine.snapshot());
                        storedSinceSnapshot = null;
                        rebuilt = engine.rebuildFrom(next);
                    } else {
                        storedSinceSnapshot.forEach(r -> readSince.add(r.series()));
                        next.submitAll(storedSinceSnapshot);
                        storedSinceSnapshot = null;
                        rebuilt = engine.rebuildFrom(next, prior, readSince);
                    }
                    long compared = System.nanoTime();
                    Store.PendingActivation writing = pending;
                    retired = swap(version, candidate, rebuilt, writing == null
                            ? () -> store.activate(version, rebuilt.changedAssessments(), rebuilt.events(),
                                    rebuilt.alertStates(), sinks, clock.instant())
                            : () -> finish(writing, prior, rebuilt));
                    long done = System.nanoTime();
                    LOG.info("rule set version {}: snapshot {} ms, built beside intake in {} ms replaying {} of {} readings,"
                                    + " {} changed ratings written ahead in {} ms, caught up in {} ms; under the ingest lock"
                                    + " {} ms (catch-up and comparison {} ms, storing the rest, {} events and {} alerts {} ms)",
                            version,
                            ms(snapshotted - started), ms(built - snapshotted), next.replayedReadings(), next.readingCount(),
                            prior.size(), ms(written - built), ms(caughtUp - written), ms(done - locked),
                            ms(compared - locked), rebuilt.events().size(), rebuilt.alertStates().size(), ms(done - compared));
                    activated = rebuilt;
                    next = null; // running now: no longer the caller's to close
                    pending = null;
                }
                retired.close(); // the rule set no longer running, let go of outside the lock
                return activated;
            } catch (RuntimeException e) {
                synchronized (this) {
                    storedSinceSnapshot = null;
                }
                if (pending != null) {
                    pending.close();
                }
                if (next != null) {
                    next.close();
                }
                throw e;
            }
        }
    }

    /**
     * Finishes an activation whose prior rating changes were written ahead: withdraws what was written that the change no
     * longer alters so (compared again, for the series readings since the snapshot moved), and writes what it alters
     * besides; then the events and alerts. A change written ahead is one of {@code prior}, the very object, when the
     * comparison under the lock took it over; anything else in the rebuilt list was compared again.
     */
    private void finish(Store.PendingActivation pending, List<RuleEngine.RatingChange> prior, RuleEngine.Rebuilt rebuilt) {
        Set<RuleEngine.RatingChange> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        taken.addAll(prior);
        record At(SeriesKey series, targetwatch.engine.model.Period period) {
        }
        Map<At, Assessment> again = new java.util.HashMap<>();
        for (RuleEngine.RatingChange c : rebuilt.ratings()) {
            if (!taken.remove(c) && c.after() != null) {
                again.put(new At(c.series(), c.period()), c.after());
            }
        }
        // what remains taken was written ahead and is no longer among the changes as written
        List<Assessment> withdrawn = new ArrayList<>();
        for (RuleEngine.RatingChange c : taken) {
            if (c.after() == null) {
                continue;
            }
            Assessment now = again.get(new At(c.series(), c.period()));
            if (c.after().equals(now)) {
                again.remove(new At(c.series(), c.period())); // compared again to what was written: it stands
            } else {
                withdrawn.add(c.after());
            }
        }
        pending.finish(withdrawn, new ArrayList<>(again.values()), rebuilt.events(), rebuilt.alertStates(), sinks);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * Stores what the change alters with the activation and takes the rebuilt engine over; the caller holds the lock, and
     * closes the engine returned, the one that ran until now, once it has let go of it.
     */
    private RuleEngine swap(int version, CompiledRules candidate, RuleEngine.Rebuilt rebuilt, Runnable storing) {
        try {
            storing.run();
        } catch (RuntimeException e) {
            rebuilt.close();
            throw e;
        }
        RuleEngine retired = engine;
        engine = rebuilt.engine();
        rules = candidate;
        ruleSetVersion = version;
        LOG.info("rule set version {} is active: {} ratings and {} alerts changed", version, rebuilt.ratings().size(),
                rebuilt.alerts().size());
        return retired;
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
