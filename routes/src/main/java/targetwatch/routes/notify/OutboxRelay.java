package targetwatch.routes.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.store.Delivery;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;

/**
 * Sends the outbox: each due delivery goes to its sink's route and is marked sent with the sink's answer,
 * or retried with exponential back-off, and parked after the last attempt (shown on /api/health, never
 * dropped silently). One relay run per sink at a time.
 */
public final class OutboxRelay implements AutoCloseable {

    static final String DELIVER = "direct:deliver-";
    /** Where several email deliveries to one recipient for one priority go as one mail. */
    static final String DELIVER_DIGEST = "direct:deliver-email-digest";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(10);

    private final Store store;
    private final ProducerTemplate producer;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration initialDelay;
    private final boolean webhookConfigured;
    private final Map<Sink, ReentrantLock> locks = new EnumMap<>(Sink.class);
    /** Runs the relay at once after a commit, on its own thread, so intake never waits for a sink. */
    private final ExecutorService nudges = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-nudge");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean nudgePending = new AtomicBoolean();

    public OutboxRelay(Store store, ProducerTemplate producer, Clock clock, int maxAttempts, Duration initialDelay,
                       boolean webhookConfigured) {
        this.store = store;
        this.producer = producer;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.webhookConfigured = webhookConfigured;
        for (Sink s : Sink.values()) {
            locks.put(s, new ReentrantLock());
        }
    }

    /** Asks for a run of every sink soon; many nudges while one waits make one run. */
    public void nudge() {
        if (nudgePending.compareAndSet(false, true)) {
            nudges.execute(() -> {
                nudgePending.set(false);
                for (Sink sink : Sink.values()) {
                    try {
                        run(sink);
                    } catch (RuntimeException e) {
                        LOG.warn("outbox relay for {} failed; the next poll tries again: {}", sink, e.getMessage());
                    }
                }
            });
        }
    }

    @Override
    public void close() {
        nudges.shutdownNow();
    }

    /** Sends what is due for one sink, until nothing is; returns at once if a run for it is under way. */
    public void run(Sink sink) {
        if (sink == Sink.WEBHOOK && !webhookConfigured) {
            return;
        }
        ReentrantLock lock = locks.get(sink);
        if (!lock.tryLock()) {
            return;
        }
        try {
            List<Delivery> due;
            do {
                due = store.dueDeliveries(sink, clock.instant(), BATCH);
                if (sink == Sink.EMAIL) {
                    for (List<Delivery> group : byRecipientAndPriority(due)) {
                        if (severalIndicators(group)) {
                            deliverDigest(group);
                        } else {
                            group.forEach(this::deliver);
                        }
                    }
                } else {
                    for (Delivery d : due) {
                        deliver(d);
                    }
                }
            } while (due.size() == BATCH);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Email deliveries due together, grouped by recipient and priority in the order they came, so that several
     * indicators of a priority changing together reach a person as one digest rather than a flood.
     */
    static List<List<Delivery>> byRecipientAndPriority(List<Delivery> due) {
        Map<String, List<Delivery>> groups = new java.util.LinkedHashMap<>();
        for (Delivery d : due) {
            groups.computeIfAbsent(d.event().recipient() + "|" + d.event().priority(), k -> new java.util.ArrayList<>()).add(d);
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

    private void deliverDigest(List<Delivery> group) {
        List<AlertEvent> events = group.stream().map(Delivery::event).toList();
        Exchange result = producer.send(DELIVER_DIGEST, ex -> ex.getIn().setBody(events));
        group.forEach(d -> settle(d, result));
    }

    private void deliver(Delivery d) {
        Exchange result = producer.send(DELIVER + d.sink().name().toLowerCase(), ex -> ex.getIn().setBody(d.event()));
        settle(d, result);
    }

    /** Marks a delivery sent with the sink's answer, or failed: retried after a back-off, or parked. */
    private void settle(Delivery d, Exchange result) {
        Instant now = clock.instant();
        if (result.getException() == null) {
            store.markSent(d.id(), result.getMessage().getBody(String.class), now);
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
