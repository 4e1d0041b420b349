package targetwatch.engine.store;

/** How the outbox stands: waiting (including retrying), sent, and parked after too many failures. */
public record DeliveryCounts(long pending, long sent, long parked) {
}
