package targetwatch.engine.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One thing that happened to an alert, for the people and systems that must hear of it. Its id is
 * stable: the same readings in the same order always give the same events with the same ids, so
 * subscribers can drop repeats.
 *
 * @param sequence the number of this event among its series' events (from 1)
 * @param severity the alert's severity after the event (the rating of its latest period; GREEN once resolved)
 * @param previousSeverity the severity before, or null when it was raised
 * @param level the escalation level (1: the target's lead)
 * @param recipient the contact id the event goes to
 * @param reason why it happened when not a reading, such as "rule change"; null for a reading
 * @param priority the priority of the target, so that a recipient's mail can gather a priority's events
 * @param alertId the alert it belongs to (acknowledgements and the history name it); null for a silence's reminder
 * @param at when it happened, on the engine's clock
 * @param actor who caused it (an acknowledgement's author); null when the rules did
 * @param comment what the actor said
 * @param silenced kept in the history but delivered to nobody: a silence covered the alert
 * @param history kept in the history but delivered to nobody: it came of a reading for a period long past (a history
 *                being loaded), which its recipients hear of in one summary of what is open afterwards
 */
public record AlertEvent(String id, long sequence, AlertEventType type, String partnership, String indicator, String area,
                         Period period, Rating severity, Rating previousSeverity, BigDecimal actual, BigDecimal expected,
                         Direction direction, int level, int targetRow, String recipient,
                         String reason, String priority, String alertId, Instant at, String actor, String comment,
                         boolean silenced, boolean history) {

    public AlertEvent {
        if (type == null || period == null || severity == null || direction == null) {
            throw new IllegalArgumentException("an alert event needs a type, a period, a severity and a direction");
        }
    }

    /** An event that is news (not history). */
    public AlertEvent(String id, long sequence, AlertEventType type, String partnership, String indicator, String area,
                      Period period, Rating severity, Rating previousSeverity, BigDecimal actual, BigDecimal expected,
                      Direction direction, int level, int targetRow, String recipient,
                      String reason, String priority, String alertId, Instant at, String actor, String comment,
                      boolean silenced) {
        this(id, sequence, type, partnership, indicator, area, period, severity, previousSeverity, actual, expected,
                direction, level, targetRow, recipient, reason, priority, alertId, at, actor, comment, silenced, false);
    }

    /** Whether it is delivered: neither silenced nor history. */
    public boolean delivered() {
        return !silenced && !history;
    }

    /** An event as the first version stored it, before alerts had ids, times and actors. */
    public AlertEvent(String id, long sequence, AlertEventType type, String partnership, String indicator, String area,
                      Period period, Rating severity, Rating previousSeverity, BigDecimal actual, BigDecimal expected,
                      Direction direction, int level, int targetRow, String recipient, String reason) {
        this(id, sequence, type, partnership, indicator, area, period, severity, previousSeverity, actual, expected,
                direction, level, targetRow, recipient, reason, null, null, null, null, null, false);
    }

    /** The stable id of an event: its series, its number in the series, and what it says. */
    public static String idFor(SeriesKey series, long sequence, Period period, AlertEventType type, Rating severity,
                               int level) {
        String key = series + "|" + sequence + "|" + period + "|" + type + "|" + severity + "|" + level;
        return NameIds.of(key);
    }

    /** The same event with a reason. */
    public AlertEvent withReason(String why) {
        return new AlertEvent(id, sequence, type, partnership, indicator, area, period, severity, previousSeverity, actual,
                expected, direction, level, targetRow, recipient, why, priority, alertId, at, actor, comment, silenced, history);
    }

    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
