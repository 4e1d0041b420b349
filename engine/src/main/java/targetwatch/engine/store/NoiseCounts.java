package targetwatch.engine.store;

import java.util.Map;

/**
 * How noisy the stored alerting is, for {@code GET /api/alerts/stats}.
 *
 * @param events alert events stored
 * @param byType events by type ({@code RAISED}, {@code REMINDER}...)
 * @param byRecipient events by the contact id they were for
 * @param silenced events kept and delivered to nobody because a silence covered them
 * @param history events kept and delivered to nobody because they came of a history being loaded
 * @param mailsSent mails sent (a digest counts once)
 * @param mailDeliveries email deliveries sent, in those mails
 * @param folded email deliveries that went over their recipient's daily mail budget and waited for a digest
 */
public record NoiseCounts(long events, Map<String, Long> byType, Map<String, Long> byRecipient, long silenced, long history,
                          long mailsSent, long mailDeliveries, long folded) {

    public NoiseCounts {
        byType = Map.copyOf(byType);
        byRecipient = Map.copyOf(byRecipient);
    }
}
