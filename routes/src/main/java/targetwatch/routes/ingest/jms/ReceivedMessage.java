package targetwatch.routes.ingest.jms;

import jakarta.jms.Message;

/**
 * One message of a {@link JmsBatch}: its id, and its body when it could be read, or why it could not (another kind
 * than text or bytes, empty, larger than the limit: such a body is never read).
 *
 * @param id the message's id (JMSMessageID, or the broker's own id when the sender disabled message ids)
 * @param body the body's bytes (UTF-8 for a text message), or null when refused
 * @param refusal why the body was not read, or null
 * @param message the message as it came
 * @param tooLarge whether the body was refused for its size, unread: it is then never read, not even to dead-letter it
 */
public record ReceivedMessage(String id, byte[] body, String refusal, Message message, boolean tooLarge) {
}
