package targetwatch.engine.rules;

import java.util.List;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;

/**
 * What one reading (or batch) changed: the assessments, and the alert events to deliver, in order.
 *
 * @param alerts the alerts whose state changed, as they now stand (closed ones with their closing time)
 * @param recorded whether the reading was new or a revision (false for an exact repeat), so worth storing
 */
public record Outcome(boolean recorded, List<Assessment> assessments, List<AlertEvent> alertEvents,
                      List<AlertState> alerts) {

    public static final Outcome NOTHING = new Outcome(false, List.of(), List.of(), List.of());

    public Outcome {
        assessments = List.copyOf(assessments);
        alertEvents = List.copyOf(alertEvents);
        alerts = List.copyOf(alerts);
    }

    public boolean isEmpty() {
        return assessments.isEmpty() && alertEvents.isEmpty() && alerts.isEmpty();
    }
}
