package targetwatch.routes.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertSettings;
import targetwatch.engine.rules.Now;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.Delivery;
import targetwatch.engine.store.SentBatch;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;

/**
 * Sends the outbox: each due delivery goes to its sink's route and is marked sent with the sink's answer,
 * or retried with exponential back-off, and parked after the last attempt (shown on /api/health, never
 * dropped silently). One relay run per sink at a time.
 *
 * <p>Email waits a little before it goes, as Alertmanager's {@code group_wait} does: the first new mail for a
 * recipient and priority is held for the group wait (from when the relay first could see it in the outbox), and
 * whatever else arrived for them meanwhile goes with it, as one digest when several indicators changed together.
 * Readings commit one by one, so without the wait the relay, nudged after the first, would mail it alone. The wait
 * runs on the machine's monotonic time, not the application's clock (which a test or a replay may hold still), and
 * starts again after a restart. Retries do not wait again.
 *
 * <p>One person gets at most the rule set's daily mail budget of alert mails in a day (settings.csv,
 * {@code daily_mail_budget}; a digest is one mail). What would go over it is held back, marked folded, until 08:00 on
 * the next working day, and then goes in one digest per priority that says how many it holds back. Nothing is
 * dropped, and the topic and the webhook, which cost nobody's attention, have no budget.
 *
 * <p>Several relays (one per instance) may share the database: each claims the due deliveries it reads, under its
 * name and for a lease, so that no other relay takes them meanwhile, and renews its claim just before each send: a
 * delivery whose claim ran out and went to another relay is left to that one. A relay that dies leaves its claims to
 * run out. A delivery goes at least once: one sent by a relay that died (or stood still past its lease) before
 * marking it is sent again by another, with the same de-duplication id (its event's id).
 */
public final class OutboxRelay implements AutoCloseable {

    static final String DELIVER = "direct:deliver-";
    /** Where several email deliveries to one recipient for one priority go as one mail. */
    static final String DELIVER_DIGEST = "direct:deliver-email-digest";
    /**
     * Where a batch of topic deliveries goes as one list of events, published in one transaction of the broker: all
     * or none. A batch that fails is sent again one delivery at a time, each with its own answer and back-off.
     */
    static final String DELIVER_TOPIC_BATCH = "direct:deliver-topic-batch";
    /** The exchange property with what a sink runs at its point of no return: the deliveries are marked in doubt. */
    static final String HAND_OVER = "targetwatch.handOver";
    /** The exchange properties with how many of a digest's events were held back by the budget, and the budget. */
    static final String FOLDED = "targetwatch.folded";
    static final String BUDGET = "targetwatch.budget";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(10);
    /** The relay's name when it is the only one: the claims of a relay restarted under it are its own at once. */
    public static final String SOLE_RELAY = "targetwatch";
    /** How long a claim holds at least: far longer than one send (the mail server's timeouts are 10 s). */
    private static final Duration MIN_LEASE = Duration.ofMinutes(2);

    private final Store store;
    private final ProducerTemplate producer;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration initialDelay;
    private final boolean webhookConfigured;
    private final Duration groupWait;
    private final LongSupplier nanoTime;
    /** The rule set in force of each partnership (null: defaults), for its mail budget and working days. */
    private final Function<String, RuleSet> ruleSet;
    /** The name this relay claims deliveries under, one per relay sharing the database. */
    private final String relayId;
    /** How long a claim holds unless renewed: past two group waits, since a held mail is claimed again after one. */
    private final Duration lease;
    private final Map<Sink, ReentrantLock> locks = new EnumMap<>(Sink.class);
    /**
     * Per sink, whether a run was asked for that has not begun yet: a run asked for while another holds the sink is
     * made by that one before it lets go, so a delivery committed during a run never waits for the next poll.
     */
    private final Map<Sink, AtomicBoolean> wanted = new EnumMap<>(Sink.class);
    /** The sinks whose deliveries go in batches, to {@link #DELIVER_TOPIC_BATCH}. */
    private final Set<Sink> batched;
    /**
     * The last batch published and not yet marked sent: it is marked with the next claim, in the same transaction
     * (one commit a batch, not two), and a run ends only when that claim found nothing, so nothing stays unmarked
     * past a run unless its mark failed (then the next run marks it). A crash before the mark sends the batch again,
     * with the same de-duplication ids, as a crash before any mark would. Read and written under the sink's lock.
     */
    private final Map<Sink, Published> unmarked = new ConcurrentHashMap<>();
    /** Whether no other relay shares the database: the batched sinks' deliveries are read, not claimed. */
    private final boolean alone;
    /**
     * How long a relay alone lets published batches wait for their answers to be recorded: a crash within it sends
     * them again (with the same de-duplication ids), and each recording is a write that waits for intake's.
     */
    static final Duration MARK_EVERY = Duration.ofMillis(100);
    /** How many published deliveries a relay alone lets wait for their answers to be recorded at most. */
    static final int MARK_AT = 1000;
    /**
     * A relay alone: the batches published and not yet marked sent, per sink, and when the first of them went (in
     * System.nanoTime). Read and written under the sink's lock.
     */
    private final Map<Sink, List<Published>> published = new ConcurrentHashMap<>();
    private final Map<Sink, Long> firstPublished = new ConcurrentHashMap<>();
    /** A relay alone: per sink, whether a run is set for when the first batch waiting for its answer has waited. */
    private final Map<Sink, AtomicBoolean> markSet = new EnumMap<>(Sink.class);
    /**
     * When the mail relay saw the outbox reach each delivery id: at the start of each mail run, the newest id and the
     * time, in {@link #nanoTime}, oldest first; a mark leaves once it is a group wait old, and {@link #waitedUpTo} takes
     * its id. A mail's wait runs from when the relay first could have seen it, not from when a claim first reached it
     * (a claim takes {@value #BATCH} at a time, and a burst of more once waited a group wait per claim). Read and written
     * in email runs only, one at a time.
     */
    private final ArrayDeque<long[]> outboxSeen = new ArrayDeque<>();
    /** The newest delivery id seen a group wait ago or longer: a group whose first mail is up to it has waited. */
    private long waitedUpTo;
    /**
     * Per email group (recipient and priority) that went: the newest delivery id as it went. Its mails up to it came
     * while it waited and go without a wait of their own, though a later claim reaches them. Email runs only.
     */
    private final Map<String, Long> wentUpTo = new HashMap<>();
    /**
     * Runs the relay at once after a commit, a thread per sink, so intake never waits for a sink and no sink for
     * another (a slow mail server never holds up the topic).
     */
    private final Map<Sink, ScheduledExecutorService> nudges = new EnumMap<>(Sink.class);
    private final Map<Sink, AtomicBoolean> nudgePending = new EnumMap<>(Sink.class);
    /**
     * The least time between a mail run and a nudged one after it, and between a nudged mail run and a poll's after it.
     * Mail keeps its own pace (its group wait is tens of seconds), and a mail run re-claims every mail held for its
     * group wait and claims the new: run after every commit under load, it would take the machine from intake and the
     * topic.
     */
    static final Duration MAIL_NUDGE_SPACING = Duration.ofSeconds(1);
    /** When the last mail run began, in System.nanoTime (the spacing is the machine's, not the test clock's). */
    private volatile long lastMailRun = System.nanoTime() - MAIL_NUDGE_SPACING.toNanos();
    /**
     * When the last nudged mail run began, in System.nanoTime: what a poll gives way to. (Measured from any mail run, a
     * poll would often give way to the poll before it, as the timer's period is the spacing too.)
     */
    private volatile long lastNudgedMailRun = System.nanoTime() - MAIL_NUDGE_SPACING.toNanos();

    /** A relay with the default daily mail budget and no bank holidays. */
    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured, Duration groupWait) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, p -> null);
    }

    /**
     * A relay whose mail budget and working days are those of the rule set in force of each event's partnership
     * ({@code ruleSet} may give null: defaults).
     */
    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured, Duration groupWait, Function<String, RuleSet> ruleSet) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, System::nanoTime, ruleSet,
                SOLE_RELAY, Set.of(), false);
    }

    /**
     * A relay as {@link #OutboxRelay(Store, ProducerTemplate, Clock, int, Duration, boolean, Duration, Function)}
     * sharing the outbox with others: it claims deliveries as {@code relayId}, which no other relay on the database
     * may use (the instance's id) and which a restarted instance should keep.
     */
    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured, Duration groupWait, Function<String, RuleSet> ruleSet, String relayId) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, System::nanoTime, ruleSet,
                relayId, Set.of(), false);
    }

    /**
     * A relay as {@link #OutboxRelay(Store, ProducerTemplate, Clock, int, Duration, boolean, Duration, Function, String)}
     * that sends the deliveries of the {@code batched} sinks (only {@link Sink#TOPIC} may be) as batches to
     * {@link #DELIVER_TOPIC_BATCH}: one broker transaction and one database update for up to a claim's worth.
     */
    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured, Duration groupWait, Function<String, RuleSet> ruleSet, String relayId,
                       Set<Sink> batched) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, System::nanoTime, ruleSet,
                relayId, batched, false);
    }

    /**
     * A relay as {@link #OutboxRelay(Store, ProducerTemplate, Clock, int, Duration, boolean, Duration, Function, String,
     * Set)} that, when {@code alone} (no other instance shares the database), reads the batched sinks' due deliveries
     * instead of claiming them and records their answers every {@link #MARK_EVERY}: no database write between a
     * reading's commit and its alert on the topic, and a few writes a second under load instead of one a batch.
     */
    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured, Duration groupWait, Function<String, RuleSet> ruleSet, String relayId,
                       Set<Sink> batched, boolean alone) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, System::nanoTime, ruleSet,
                relayId, batched, alone);
    }

    OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                boolean webhookConfigured, Duration groupWait, LongSupplier nanoTime) {
        this(store, producer, clock, maxAttempts, initialDelay, webhookConfigured, groupWait, nanoTime, p -> null,
                SOLE_RELAY, Set.of(), false);
    }

    OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                boolean webhookConfigured, Duration groupWait, LongSupplier nanoTime, Function<String, RuleSet> ruleSet,
                String relayId, Set<Sink> batched, boolean alone) {
        if (relayId == null || relayId.isBlank()) {
            throw new IllegalArgumentException("an outbox relay needs a name to claim deliveries under");
        }
        if (!Set.of(Sink.TOPIC).containsAll(batched)) {
            throw new IllegalArgumentException("only the topic's deliveries go in batches, not " + batched);
        }
        this.batched = Set.copyOf(batched);
        this.alone = alone;
        this.relayId = relayId;
        this.lease = groupWait.multipliedBy(2).compareTo(MIN_LEASE) > 0 ? groupWait.multipliedBy(2) : MIN_LEASE;
        this.ruleSet = ruleSet;
        if (groupWait.isNegative()) {
            throw new IllegalArgumentException("the email group wait is negative: " + groupWait);
        }
        this.groupWait = groupWait;
        this.nanoTime = nanoTime;
        this.store = store;
        this.producer = producer;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.webhookConfigured = webhookConfigured;
        for (Sink s : Sink.values()) {
            locks.put(s, new ReentrantLock());
            wanted.put(s, new AtomicBoolean());
            nudgePending.put(s, new AtomicBoolean());
            markSet.put(s, new AtomicBoolean());
            String name = "outbox-nudge-" + s.name().toLowerCase();
            nudges.put(s, Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            }));
        }
    }

    /**
     * Asks for a run of every sink soon, each on its own thread; many nudges while one waits make one run. Called
     * after every commit that wrote deliveries, so that they go at once (mail at most every
     * {@link #MAIL_NUDGE_SPACING}); the poll is only the safety net.
     */
    public void nudge() {
        for (Sink sink : Sink.values()) {
            nudge(sink);
        }
    }

    private void nudge(Sink sink) {
        if (sink == Sink.WEBHOOK && !webhookConfigured) {
            return;
        }
        AtomicBoolean pending = nudgePending.get(sink);
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        long delay = sink == Sink.EMAIL
                ? Math.max(0, lastMailRun + MAIL_NUDGE_SPACING.toNanos() - System.nanoTime()) : 0;
        try {
            nudges.get(sink).schedule(() -> {
                pending.set(false);
                if (sink == Sink.EMAIL) {
                    lastNudgedMailRun = System.nanoTime();
                }
                try {
                    run(sink);
                } catch (RuntimeException e) {
                    LOG.warn("outbox relay for {} failed; the next poll tries again: {}", sink, e.getMessage());
                }
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            pending.set(false);
        }
    }

    /** Stops the relay's threads, and records the answers of what a relay alone published and had not recorded yet. */
    @Override
    public void close() {
        nudges.values().forEach(ScheduledExecutorService::shutdownNow);
        for (Sink sink : batched) {
            ReentrantLock lock = locks.get(sink);
            try {
                if (!lock.tryLock(10, TimeUnit.SECONDS)) {
                    LOG.warn("the {} relay is still sending: what it published goes again after a restart", sink);
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                markPublished(sink);
            } catch (RuntimeException e) {
                LOG.warn("could not record what the {} relay published: it goes again after a restart ({})", sink,
                        e.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The poll's run of a sink, the safety net behind the nudges: as {@link #run(Sink)}, except that a mail run is left
     * to the next poll when a nudged one began less than {@link #MAIL_NUDGE_SPACING} ago: while commits nudge the relay,
     * its mail runs come from them, once a second at most, and the poll's only when they stop. Mail keeps its own pace
     * (its group wait is tens of seconds), and each mail run claims the mail new to the outbox in a commit that
     * intake's commits wait behind: a poll and a nudge each making one every second took the send-to-topic p99 at 1,000
     * readings/s from 77-97 ms to 103-217 ms in the JMS bench.
     */
    public void poll(Sink sink) {
        if (sink == Sink.EMAIL && System.nanoTime() - lastNudgedMailRun < MAIL_NUDGE_SPACING.toNanos()) {
            return;
        }
        run(sink);
    }

    /**
     * Sends what is due for one sink, until nothing is. If a run for it is under way, returns at once and leaves
     * that run to look again before it ends.
     */
    public void run(Sink sink) {
        if (sink == Sink.WEBHOOK && !webhookConfigured) {
            return;
        }
        AtomicBoolean again = wanted.get(sink);
        again.set(true);
        ReentrantLock lock = locks.get(sink);
        // the flag is read again after the unlock: a run asked for between the holder's last look and its unlock is
        // made here
        while (again.get() && lock.tryLock()) {
            try {
                while (again.getAndSet(false)) {
                    drain(sink);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A batch the sink took, with its answer and when: marked sent with the next claim. */
    private record Published(List<Long> ids, String answer, Instant at) {
    }

    /**
     * Sends what is due for a batched sink, a claim's worth at a time, each batch's answer recorded with the next
     * claim, until a claim finds nothing.
     */
    private void drainBatches(Sink sink) {
        while (true) {
            Published last = unmarked.get(sink);
            List<Delivery> due = last == null ? store.claimDeliveries(sink, relayId, clock.instant(), lease, BATCH)
                    : store.markSentAndClaim(last.ids(), last.answer(), last.at(), sink, relayId, clock.instant(), lease, BATCH);
            unmarked.remove(sink);
            if (due.isEmpty()) {
                return;
            }
            Published published = deliverBatch(due);
            if (published != null) {
                unmarked.put(sink, published);
            }
        }
    }

    /**
     * A relay alone: sends what is due for a batched sink, a batch at a time, read rather than claimed (no other relay
     * may take it) and leaving out what went already; the batches' answers are recorded together once the first of
     * them has waited {@link #MARK_EVERY} (a run is set for then) or {@link #MARK_AT} wait. A batch that fails is
     * claimed and sent one delivery at a time, as a shared relay's is.
     */
    private void drainBatchesAlone(Sink sink) {
        List<Published> waiting = published.computeIfAbsent(sink, s -> new ArrayList<>());
        while (true) {
            List<Long> sent = waiting.stream().flatMap(p -> p.ids().stream()).toList();
            if (sent.size() >= MARK_AT) {
                markPublished(sink);
                continue;
            }
            List<Delivery> due = store.dueDeliveries(sink, clock.instant(), BATCH, sent);
            if (due.isEmpty()) {
                break;
            }
            List<AlertEvent> events = due.stream().map(Delivery::event).toList();
            Exchange result = producer.send(DELIVER_TOPIC_BATCH, ex -> {
                ex.getIn().setBody(events);
                ex.setProperty(HAND_OVER, (Runnable) () -> { });
            });
            if (result.getException() == null) {
                if (waiting.isEmpty()) {
                    firstPublished.put(sink, System.nanoTime());
                }
                waiting.add(new Published(due.stream().map(Delivery::id).toList(), result.getMessage().getBody(String.class),
                        clock.instant()));
                continue;
            }
            LOG.info("a batch of {} {} deliveries failed, sending them one at a time: {}", due.size(), sink,
                    result.getException().getMessage());
            // what went already is recorded first, so that the claim leaves it out
            markPublished(sink);
            store.claimDeliveries(sink, relayId, clock.instant(), lease, BATCH).forEach(this::deliver);
        }
        if (waiting.isEmpty()) {
            return;
        }
        long left = MARK_EVERY.toNanos() - (System.nanoTime() - firstPublished.get(sink));
        if (left <= 0) {
            markPublished(sink);
            return;
        }
        // one run set at a time: under load a run ends every few milliseconds, each with batches waiting
        AtomicBoolean set = markSet.get(sink);
        if (set.compareAndSet(false, true)) {
            try {
                nudges.get(sink).schedule(() -> {
                    set.set(false);
                    nudge(sink);
                }, left, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                set.set(false); // closing: close() records them
            }
        }
    }

    /** A relay alone: records the answers of the batches published, in one transaction. */
    private void markPublished(Sink sink) {
        List<Published> waiting = published.get(sink);
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        store.markSent(waiting.stream().map(p -> new SentBatch(p.ids(), p.answer(), p.at())).toList());
        waiting.clear();
    }

    /** Sends what is due for one sink, a claim's worth at a time, until nothing is (held mail aside). */
    private void drain(Sink sink) {
        if (batched.contains(sink) && alone) {
            drainBatchesAlone(sink);
            return;
        }
        if (batched.contains(sink)) {
            drainBatches(sink);
            return;
        }
        List<Delivery> due;
        boolean sentAny;
        if (sink == Sink.EMAIL) {
            lastMailRun = System.nanoTime();
        }
        long newest = sink == Sink.EMAIL && !groupWait.isZero() ? seeOutbox() : 0;
        do {
            due = store.claimDeliveries(sink, relayId, clock.instant(), lease, BATCH);
            sentAny = false;
            if (sink == Sink.EMAIL) {
                for (List<Delivery> group : byRecipientAndPriority(due)) {
                    List<Delivery> going = goingNow(group, newest);
                    if (!going.isEmpty()) {
                        mailWithinBudget(going);
                        sentAny = true;
                    }
                }
            } else {
                for (Delivery d : due) {
                    deliver(d);
                }
                sentAny = !due.isEmpty();
            }
            // a full batch of held groups is sent when they have waited, not re-read here in a loop
        } while (due.size() == BATCH && sentAny);
    }

    /**
     * Notes how far the outbox reaches as this mail run starts, and which mails have waited the group wait since the
     * relay first could have seen them; a nudge is set for when the mails new to this run have. Returns the newest
     * delivery id.
     */
    private long seeOutbox() {
        long now = nanoTime.getAsLong();
        long newest = store.newestDeliveryId();
        if (outboxSeen.isEmpty() ? newest > waitedUpTo : newest > outboxSeen.peekLast()[0]) {
            outboxSeen.addLast(new long[] {newest, now});
            try {
                nudges.get(Sink.EMAIL).schedule(() -> nudge(Sink.EMAIL), groupWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                // shutting down: the mail goes after the restart
            }
        }
        while (!outboxSeen.isEmpty() && now - outboxSeen.peekFirst()[1] >= groupWait.toNanos()) {
            waitedUpTo = outboxSeen.pollFirst()[0];
        }
        return newest;
    }

    /**
     * The mails of an email group that may go now: all of them once its oldest has waited the group wait (whatever
     * came for them meanwhile goes with it), or when one is a retry; otherwise those that came while the group last
     * waited, if a claim reached them only after it went. {@code newest}: the newest delivery id as this run began.
     */
    private List<Delivery> goingNow(List<Delivery> group, long newest) {
        if (groupWait.isZero() || group.stream().anyMatch(d -> d.attempts() > 0)) {
            return group;
        }
        String key = groupKey(group.get(0));
        long oldest = group.stream().mapToLong(Delivery::id).min().orElseThrow();
        if (oldest <= waitedUpTo) {
            wentUpTo.merge(key, Math.max(newest, group.stream().mapToLong(Delivery::id).max().orElseThrow()), Math::max);
            return group;
        }
        Long upTo = wentUpTo.get(key);
        return upTo == null ? List.of() : group.stream().filter(d -> d.id() <= upTo).toList();
    }

    private static String groupKey(Delivery d) {
        // contact ids are each partnership's own: the same id in two partnerships is two people
        return d.event().partnership() + "|" + d.event().recipient() + "|" + d.event().priority();
    }

    /**
     * Email deliveries due together, grouped by recipient and priority in the order they came, so that several
     * indicators of a priority changing together reach a person as one digest rather than a flood.
     */
    static List<List<Delivery>> byRecipientAndPriority(List<Delivery> due) {
        Map<String, List<Delivery>> groups = new java.util.LinkedHashMap<>();
        for (Delivery d : due) {
            groups.computeIfAbsent(groupKey(d), k -> new ArrayList<>()).add(d);
        }
        return List.copyOf(groups.values());
    }

    /**
     * Whether a group is worth a digest: several indicators changed together. Many areas of one indicator keep a
     * mail each, with the detail (the partner's note) a digest line leaves out.
     */
    static boolean severalIndicators(List<Delivery> group) {
        return group.stream().map(d -> d.event().indicator()).distinct().count() > 1;
    }

    /**
     * Mails a group within its recipient's daily budget: held back (folded) when they have had it today, as one digest
     * when it holds events held back before, several indicators, or more mails than the budget has left, otherwise a
     * mail each.
     */
    private void mailWithinBudget(List<Delivery> group) {
        RuleSet rules = ruleSet.apply(group.get(0).event().partnership());
        AlertSettings settings = rules == null ? AlertSettings.DEFAULTS : rules.settings();
        WorkingDays calendar = rules == null ? new WorkingDays(Set.of()) : rules.workingDays();
        Instant now = clock.instant();
        String recipient = group.get(0).event().recipient();
        int budget = settings.dailyMailBudget();
        // a contact id is its partnership's own: the same id in another partnership is another person, with a budget of
        // their own
        int sentToday = store.mailsSentTo(group.get(0).event().partnership(), recipient, now.atZone(Now.ZONE).toLocalDate().atStartOfDay(Now.ZONE).toInstant());
        if (sentToday >= budget) {
            Instant until = calendar.sendableFrom(now.atZone(Now.ZONE).toLocalDate().plusDays(1)
                    .atTime(WorkingDays.OPENS).atZone(Now.ZONE)).toInstant();
            store.markFolded(group.stream().map(Delivery::id).toList(), until, "held back: " + recipient + " has had "
                    + sentToday + " of a daily budget of " + budget + " alert mails; goes in their next digest at " + until);
            LOG.info("{} email deliveries to {} held back for their next digest: daily budget of {} reached", group.size(),
                    recipient, budget);
            return;
        }
        if (group.stream().anyMatch(Delivery::folded) || severalIndicators(group) || (long) sentToday + group.size() > budget) {
            deliverDigest(group, budget);
        } else {
            group.forEach(this::deliver);
        }
    }

    private void deliverDigest(List<Delivery> claimed, int budget) {
        List<Delivery> group = stillClaimed(claimed);
        if (group.isEmpty()) {
            return;
        }
        int folded = (int) group.stream().filter(Delivery::folded).count();
        List<AlertEvent> events = group.stream().map(Delivery::event).toList();
        Exchange result = producer.send(DELIVER_DIGEST, ex -> {
            ex.getIn().setBody(events);
            ex.setProperty(HAND_OVER, handOver(group));
            ex.setProperty(FOLDED, folded);
            ex.setProperty(BUDGET, budget);
        });
        if (result.getException() == null) {
            // one mail: the budget counts it once
            String mailId = "digest-" + java.util.UUID.nameUUIDFromBytes(String.join(" ", events.stream().map(AlertEvent::id)
                    .toList()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            store.markMailed(group.stream().map(Delivery::id).toList(), mailId, result.getMessage().getBody(String.class),
                    clock.instant());
            return;
        }
        group.forEach(d -> settle(d, result));
    }

    /**
     * Sends a batch of deliveries as one list of events, in one transaction of the sink, and returns them with the
     * sink's answer, to be marked sent together with the next claim. When the batch fails (a broker down, or one event
     * the broker refuses, such as one it has had already and drops as a repeat), its deliveries are sent one at a time,
     * each settled on its own answer, and nothing is returned.
     */
    private Published deliverBatch(List<Delivery> batch) {
        // claimed a moment ago by this run for a lease of minutes, so still this relay's: no renewal before the send
        // (a sink with a point of no return checks again there, through the hand-over)
        List<AlertEvent> events = batch.stream().map(Delivery::event).toList();
        Exchange result = producer.send(DELIVER_TOPIC_BATCH, ex -> {
            ex.getIn().setBody(events);
            ex.setProperty(HAND_OVER, handOver(batch));
        });
        if (result.getException() == null) {
            return new Published(batch.stream().map(Delivery::id).toList(), result.getMessage().getBody(String.class),
                    clock.instant());
        }
        if (causedBy(result.getException(), ClaimLostException.class)) {
            LOG.warn("{} deliveries of events {} left to the relay that holds them now: {}", batch.get(0).sink(),
                    events.stream().map(AlertEvent::id).toList(), result.getException().getMessage());
            return null;
        }
        LOG.info("a batch of {} {} deliveries failed, sending them one at a time: {}", batch.size(), batch.get(0).sink(),
                result.getException().getMessage());
        batch.forEach(this::deliver);
        return null;
    }

    private void deliver(Delivery d) {
        if (stillClaimed(List.of(d)).isEmpty()) {
            return;
        }
        Exchange result = producer.send(DELIVER + d.sink().name().toLowerCase(), ex -> {
            ex.getIn().setBody(d.event());
            ex.setProperty(HAND_OVER, handOver(List.of(d)));
        });
        settle(d, result);
    }

    /**
     * Of the deliveries about to be sent, those this relay still holds, their claims renewed: one whose claim ran out
     * while it waited and was taken by another relay is that relay's to send.
     */
    private List<Delivery> stillClaimed(List<Delivery> deliveries) {
        List<Long> kept = store.keepClaims(deliveries.stream().map(Delivery::id).toList(), relayId, clock.instant(), lease);
        if (kept.size() < deliveries.size()) {
            LOG.info("{} of {} {} deliveries are no longer {}'s to send (another relay took them over, or they were settled)",
                    deliveries.size() - kept.size(), deliveries.size(), deliveries.get(0).sink(), relayId);
        }
        return deliveries.stream().filter(d -> kept.contains(d.id())).toList();
    }

    /**
     * What a sink runs at its point of no return: the deliveries are in doubt until their answer is recorded. A relay
     * that stood still past its lease on the way there (another relay holds a delivery now) stops short of it.
     */
    private Runnable handOver(List<Delivery> deliveries) {
        List<Long> ids = deliveries.stream().map(Delivery::id).toList();
        return () -> {
            if (store.keepClaims(ids, relayId, clock.instant(), lease).size() < ids.size()) {
                throw new ClaimLostException(relayId + " no longer holds every delivery of events " + deliveries.stream()
                        .map(d -> d.event().id()).toList() + ": not handed over");
            }
            store.markHandedOver(ids, clock.instant());
        };
    }

    /** The relay's claim ran out and another relay took a delivery before it was handed over: that relay sends it. */
    static final class ClaimLostException extends IllegalStateException {

        ClaimLostException(String message) {
            super(message);
        }
    }


    private static boolean causedBy(Throwable e, Class<? extends Throwable> cause) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (cause.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Marks a delivery sent with the sink's answer, or failed: retried after a back-off, or parked. */
    private void settle(Delivery d, Exchange result) {
        Instant now = clock.instant();
        if (result.getException() == null) {
            store.markSent(d.id(), result.getMessage().getBody(String.class), now);
            return;
        }
        if (causedBy(result.getException(), ClaimLostException.class)) {
            LOG.warn("{} delivery of event {} left to the relay that holds it now: {}", d.sink(), d.event().id(),
                    result.getException().getMessage());
            return;
        }
        if (causedBy(result.getException(), MailSender.MailInDoubtException.class)) {
            // handed over with no answer: sending again could mail it twice, so it stays in doubt for someone to check
            LOG.error("{} delivery of event {} is in doubt: {}", d.sink(), d.event().id(), result.getException().getMessage());
            return;
        }
        int attempt = d.attempts() + 1;
        boolean park = attempt >= maxAttempts;
        Duration wait = initialDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
        if (wait.compareTo(MAX_BACK_OFF) > 0) {
            wait = MAX_BACK_OFF;
        }
        String error = result.getException().getClass().getSimpleName() + ": " + result.getException().getMessage();
        store.markFailed(d.id(), error, now.plus(wait), park);
        if (park) {
            LOG.error("gave up on {} delivery of event {} after {} attempts: {}", d.sink(), d.event().id(), attempt, error);
        } else {
            LOG.warn("{} delivery of event {} failed (attempt {} of {}), retrying in {} s: {}", d.sink(), d.event().id(),
                    attempt, maxAttempts, wait.toSeconds(), error);
        }
    }
}
