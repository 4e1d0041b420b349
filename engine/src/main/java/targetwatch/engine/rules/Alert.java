package targetwatch.engine.rules;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/** The fact for an open alert on one series: the alert lifecycle rules raise, change and resolve it. */
public final class Alert {

    private final String partnership;
    private final String indicator;
    private final String area;
    private final Period openedAt;
    private Rating severity;

    public Alert(String partnership, String indicator, String area, Period openedAt, Rating severity) {
        this.partnership = partnership;
        this.indicator = indicator;
        this.area = area;
        this.openedAt = openedAt;
        this.severity = severity;
    }

    public String getPartnership() {
        return partnership;
    }

    public String getIndicator() {
        return indicator;
    }

    public String getArea() {
        return area;
    }

    public Period getOpenedAt() {
        return openedAt;
    }

    public Rating getSeverity() {
        return severity;
    }

    public void setSeverity(Rating severity) {
        this.severity = severity;
    }

    @Override
    public String toString() {
        return "Alert[" + partnership + "/" + indicator + "/" + area + " " + severity + " since " + openedAt + "]";
    }
}
