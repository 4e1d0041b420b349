package targetwatch.engine.store;

import java.util.List;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Reading;

/**
 * A reading to store with everything it caused, committed together.
 *
 * @param origin where it came from (file and row, message id, request)
 */
public record StoredReading(Reading reading, String origin, List<Assessment> assessments, List<AlertEvent> alertEvents) {
}
