package targetwatch.engine.model;

/** What happened to an alert (DESIGN.md "Alerts"). */
public enum AlertEventType {
    RAISED, WORSENED, IMPROVED, ESCALATED, REMINDER, ACKNOWLEDGED, RESOLVED, LATE_DATA
}
