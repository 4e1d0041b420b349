package targetwatch.engine.store;

import targetwatch.engine.model.AlertEvent;

/**
 * One outbox row due to be sent: an alert event for one sink, and how many times it was tried.
 *
 * @param folded held back because its recipient had had their daily mail budget: it goes in their next digest
 */
public record Delivery(long id, Sink sink, int attempts, AlertEvent event, boolean folded) {

    /** A delivery that was not held back. */
    public Delivery(long id, Sink sink, int attempts, AlertEvent event) {
        this(id, sink, attempts, event, false);
    }
}
