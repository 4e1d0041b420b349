package targetwatch.engine.store;

/**
 * A message a batched consumer took, kept in the transaction that stored its readings so that a redelivery of it
 * changes nothing.
 *
 * @param id the message's id as its broker gives it
 * @param deadLetterReason why it went to the dead-letter queue, or null when it did not
 */
public record ProcessedMessage(String id, String deadLetterReason) {

    /** The longest id and reason kept; longer ones are refused and cut, respectively. */
    public static final int MAX_ID = 200;
    public static final int MAX_REASON = 4000;

    public ProcessedMessage {
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            throw new IllegalArgumentException("a message id of 1 to " + MAX_ID + " characters is required, got " + id);
        }
        if (deadLetterReason != null && deadLetterReason.length() > MAX_REASON) {
            deadLetterReason = deadLetterReason.substring(0, MAX_REASON - 3) + "...";
        }
    }

    public boolean deadLettered() {
        return deadLetterReason != null;
    }
}
