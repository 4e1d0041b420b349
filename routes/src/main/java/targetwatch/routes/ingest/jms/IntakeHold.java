package targetwatch.routes.ingest.jms;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a {@code readings-jms} consumer is holding a batch for the database to answer again, for
 * {@code /api/health}: how many messages, since when, and how many times it has tried meanwhile.
 */
public final class IntakeHold {

    /** What the holding consumer says now. */
    public record State(boolean waitingForDatabase, int messagesHeld, Instant since, long attemptsWhileWaiting) {
    }

    private volatile Instant since;
    private volatile int messages;
    private final AtomicLong attempts = new AtomicLong();

    /** An attempt at the held batch failed for the database: the batch is held (again). */
    void failedAndHolding(int messagesHeld, Instant now) {
        if (since == null) {
            since = now;
        }
        messages = messagesHeld;
        attempts.incrementAndGet();
    }

    /** The held batch was taken, or given back: nothing is held. */
    void released() {
        since = null;
        messages = 0;
        attempts.set(0);
    }

    public State state() {
        Instant s = since;
        return new State(s != null, s == null ? 0 : messages, s, s == null ? 0 : attempts.get());
    }
}
