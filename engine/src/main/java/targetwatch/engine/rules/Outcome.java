package targetwatch.engine.rules;

import java.util.List;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Assessment;

/** What one reading (or batch) changed: the assessments, and the alert events to deliver, in order. */
public record Outcome(List<Assessment> assessments, List<AlertEvent> alertEvents) {

    public static final Outcome NOTHING = new Outcome(List.of(), List.of());

    public Outcome {
        assessments = List.copyOf(assessments);
        alertEvents = List.copyOf(alertEvents);
    }

    public boolean isEmpty() {
        return assessments.isEmpty() && alertEvents.isEmpty();
    }
}
