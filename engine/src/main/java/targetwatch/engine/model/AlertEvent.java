package targetwatch.engine.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

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
 */
public record AlertEvent(String id, long sequence, AlertEventType type, String partnership, String indicator, String area,
                         Period period, Rating severity, Rating previousSeverity, BigDecimal actual, BigDecimal expected,
                         Direction direction, int level, int targetRow, String recipient,
                         String reason) {

    public AlertEvent {
        if (type == null || period == null || severity == null) {
            throw new IllegalArgumentException("an alert event needs a type, a period and a severity");
        }
    }

    /** The stable id of an event: its series, its number in the series, and what it says. */
    public static String idFor(SeriesKey series, long sequence, Period period, AlertEventType type, Rating severity,
                               int level) {
        String key = series + "|" + sequence + "|" + period + "|" + type + "|" + severity + "|" + level;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
