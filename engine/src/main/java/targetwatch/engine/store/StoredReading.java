package targetwatch.engine.store;

import java.util.List;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Reading;

/**
 * A reading to store with everything it caused, committed together.
 *
 * @param origin where it came from (file and row, message id, request)
 * @param alerts the states of the alerts it changed
 */
public record StoredReading(Reading reading, String origin, List<Assessment> assessments, List<AlertEvent> alertEvents,
                            List<AlertState> alerts) {

    public StoredReading {
        assessments = List.copyOf(assessments);
        alertEvents = List.copyOf(alertEvents);
        alerts = List.copyOf(alerts);
    }
}
