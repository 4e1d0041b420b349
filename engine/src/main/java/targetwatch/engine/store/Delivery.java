package targetwatch.engine.store;

import targetwatch.engine.model.AlertEvent;

/** One outbox row due to be sent: an alert event for one sink, and how many times it was tried. */
public record Delivery(long id, Sink sink, int attempts, AlertEvent event) {
}
