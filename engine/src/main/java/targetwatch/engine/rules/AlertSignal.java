package targetwatch.engine.rules;

import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;

/**
 * What the alert rules insert when something happens to an alert: the engine turns each into one
 * {@link targetwatch.engine.model.AlertEvent} per recipient and removes it from working memory. A signal goes
 * either to the recipients of one escalation level, or to everyone told of the alert so far.
 */
public final class AlertSignal {

    private final AlertEventType type;
    private final Alert alert;
    private final Assessment assessment;
    private final Rating previousSeverity;
    /** The level whose recipients hear of it, or 0 for everyone told so far. */
    private final int toLevel;
    private String actor;
    private String comment;
    private String reason;

    private AlertSignal(AlertEventType type, Alert alert, Assessment assessment, Rating previousSeverity, int toLevel) {
        this.type = type;
        this.alert = alert;
        this.assessment = assessment;
        this.previousSeverity = previousSeverity;
        this.toLevel = toLevel;
    }

    /** For the recipients of one escalation level. */
    public static AlertSignal toLevel(AlertEventType type, Alert alert, Assessment assessment, Rating previousSeverity,
                                      int level) {
        return new AlertSignal(type, alert, assessment, previousSeverity, level);
    }

    /** For everyone told of the alert so far (its level-1 recipients when nobody was). */
    public static AlertSignal toTold(AlertEventType type, Alert alert, Assessment assessment, Rating previousSeverity) {
        return new AlertSignal(type, alert, assessment, previousSeverity, 0);
    }

    public AlertSignal by(String who, String text) {
        this.actor = who;
        this.comment = text;
        return this;
    }

    public AlertSignal because(String why) {
        this.reason = why;
        return this;
    }

    public AlertEventType getType() {
        return type;
    }

    public Alert getAlert() {
        return alert;
    }

    public Assessment getAssessment() {
        return assessment;
    }

    public Rating getPreviousSeverity() {
        return previousSeverity;
    }

    public int getToLevel() {
        return toLevel;
    }

    public String getActor() {
        return actor;
    }

    public String getComment() {
        return comment;
    }

    public String getReason() {
        return reason;
    }
}
