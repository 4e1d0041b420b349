package targetwatch.engine.model;

import java.time.Instant;
import java.util.List;

/**
 * Where an alert stands, as stored after every change: what it is about, its level, who was told, and its
 * acknowledgement. Restored into the engine after a restart or a rule set change, so that escalation clocks,
 * reminders and resolutions carry on where they were.
 *
 * @param id the alert's id (acknowledgements name it)
 * @param period the period it opened at (rating), or the period whose reading is late (late data)
 * @param levelSince when it reached its level (the escalation clock's start)
 * @param lastNotifiedAt when its recipients last heard of it (the reminder clock's start)
 * @param told the contact ids told of it so far, in the order they were told
 * @param acknowledgedUntil when the acknowledgement lapses; null while it holds until the rating worsens
 * @param silence why it is held back, when a silence covers it
 * @param closedAt when it resolved; null while open
 * @param reminders how many reminders it has had at its level (they back off and stop at the level's limit)
 * @param missing for late data, every period of the series overdue without a reading, oldest first; empty otherwise
 */
public record AlertState(String id, AlertKind kind, String partnership, String indicator, String area, String priority,
                         int targetRow, String lead, String dataContact, Period period, Rating severity, int level,
                         Instant openedAt, Instant levelSince, Instant lastNotifiedAt, List<String> told,
                         String acknowledgedBy, Instant acknowledgedAt, String acknowledgementComment,
                         Instant acknowledgedUntil, String silence, Instant closedAt, int reminders, List<Period> missing) {

    public AlertState {
        told = List.copyOf(told);
        missing = List.copyOf(missing);
    }

    /** A state as stored before reminders were counted and late data listed its missing periods. */
    public AlertState(String id, AlertKind kind, String partnership, String indicator, String area, String priority,
                      int targetRow, String lead, String dataContact, Period period, Rating severity, int level,
                      Instant openedAt, Instant levelSince, Instant lastNotifiedAt, List<String> told,
                      String acknowledgedBy, Instant acknowledgedAt, String acknowledgementComment,
                      Instant acknowledgedUntil, String silence, Instant closedAt) {
        this(id, kind, partnership, indicator, area, priority, targetRow, lead, dataContact, period, severity, level,
                openedAt, levelSince, lastNotifiedAt, told, acknowledgedBy, acknowledgedAt, acknowledgementComment,
                acknowledgedUntil, silence, closedAt, 0, kind == AlertKind.LATE_DATA ? List.of(period) : List.of());
    }

    public boolean isOpen() {
        return closedAt == null;
    }

    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
