package targetwatch.engine.rules;

/** Someone acknowledged an alert: inserted by the engine, taken up and removed by the alert rules. */
public final class Acknowledgement {

    private final String alertId;
    private final String by;
    private final String comment;

    public Acknowledgement(String alertId, String by, String comment) {
        this.alertId = alertId;
        this.by = by;
        this.comment = comment;
    }

    public String getAlertId() {
        return alertId;
    }

    public String getBy() {
        return by;
    }

    public String getComment() {
        return comment;
    }
}
