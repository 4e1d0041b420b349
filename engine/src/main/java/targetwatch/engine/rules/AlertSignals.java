package targetwatch.engine.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The alert rules' sink for signals (the global {@code signals} of rules/alerts.drl): each rule that has something to
 * say adds one, and the engine, after the firing, turns them into events in the order they were added.
 */
public final class AlertSignals {

    private final List<AlertSignal> added = new ArrayList<>();

    /** A rule has something to say of an alert. */
    public void add(AlertSignal signal) {
        added.add(signal);
    }

    /** The signals added since the last time, in order; none are kept. */
    List<AlertSignal> drain() {
        List<AlertSignal> out = List.copyOf(added);
        added.clear();
        return out;
    }
}
