package targetwatch.engine.store;

/**
 * How the outbox stands: waiting (including retrying), sent, parked after too many failures, and in doubt: handed
 * to the mail server, which never answered (the process died or the connection broke at that moment). An
 * in-doubt delivery is not sent again by itself, since the server may well have it: someone checks.
 */
public record DeliveryCounts(long pending, long sent, long parked, long inDoubt) {

    /** Counts with nothing in doubt. */
    public DeliveryCounts(long pending, long sent, long parked) {
        this(pending, sent, parked, 0);
    }

    /** Deliveries without an answer from their sink yet: waiting, or in doubt (a mail being handed over is too). */
    public long unanswered() {
        return pending + inDoubt;
    }
}
