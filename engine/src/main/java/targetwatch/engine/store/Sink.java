package targetwatch.engine.store;

/** Where an alert event is delivered. */
public enum Sink {
    TOPIC, EMAIL, WEBHOOK
}
