package targetwatch.engine.rules;

import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;

/**
 * What the alert rules insert when an alert changes: the engine turns each into an
 * {@link targetwatch.engine.model.AlertEvent} for its recipients and removes it from working memory.
 */
public final class AlertSignal {

    private final AlertEventType type;
    private final Assessment assessment;
    private final Rating previousSeverity;

    public AlertSignal(AlertEventType type, Assessment assessment, Rating previousSeverity) {
        this.type = type;
        this.assessment = assessment;
        this.previousSeverity = previousSeverity;
    }

    public AlertEventType getType() {
        return type;
    }

    public Assessment getAssessment() {
        return assessment;
    }

    public Rating getPreviousSeverity() {
        return previousSeverity;
    }
}
