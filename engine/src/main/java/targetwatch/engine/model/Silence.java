package targetwatch.engine.model;

import java.time.LocalDate;

/**
 * One row of {@code silences.csv}: the secretariat stops reminders, escalations and new-alert messages for an
 * indicator or a whole priority until a date (inclusive), with a reason; resolutions still reach everyone who
 * was told. Its author is reminded shortly before it ends.
 *
 * @param indicator the indicator silenced, or null when a priority is
 * @param priority the priority silenced, or null when an indicator is
 * @param author the contact id of whoever asked for it
 */
public record Silence(int row, String indicator, String priority, LocalDate until, String reason, String author) {

    public Silence {
        if ((indicator == null) == (priority == null)) {
            throw new IllegalArgumentException("a silence is for an indicator or for a priority");
        }
        if (until == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a silence needs an end date and a reason");
        }
        Slugs.require("author", author);
    }

    /** Whether it covers an alert on this indicator of this priority. */
    public boolean covers(String alertIndicator, String alertPriority) {
        return indicator != null ? indicator.equals(alertIndicator) : priority.equals(alertPriority);
    }

    /** Whether it is in force on the day. */
    public boolean activeOn(LocalDate day) {
        return !day.isAfter(until);
    }

    /** What it silences, for people: "indicator ksi-casualties" or "priority road-safety". */
    public String subject() {
        return indicator != null ? "indicator " + indicator : "priority " + priority;
    }

    /** Shown on the events it holds back. */
    public String describe() {
        return "silenced until " + until + " (" + subject() + "): " + reason;
    }
}
