package targetwatch.engine.rules;

/** An acknowledgement names an alert that is not open: never raised, or resolved since. */
public final class NoSuchAlertException extends Exception {

    private final String alertId;

    public NoSuchAlertException(String alertId) {
        super("no open alert has the id \"" + targetwatch.engine.model.Slugs.abbreviate(String.valueOf(alertId)) + "\"");
        this.alertId = alertId;
    }

    public String alertId() {
        return alertId;
    }
}
