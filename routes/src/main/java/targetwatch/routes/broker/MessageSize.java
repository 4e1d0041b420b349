package targetwatch.routes.broker;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

/**
 * A message's body size as the message declares it, read before the body is: a bytes message knows its length, and
 * Artemis writes a large message's size on it (the body itself stays on the broker's disk until it is read).
 */
public final class MessageSize {

    /** The property Artemis keeps a large message's body size in. */
    static final String LARGE_BODY_SIZE = "_AMQ_LARGE_SIZE";
    /** What a large text message's body holds beside its characters (a null flag and a length), at most. */
    private static final long TEXT_HEADER_BYTES = 8;

    private MessageSize() {
    }

    /**
     * At least how many bytes the body holds, as the message declares it, or -1 when the message does not say (a small
     * one, already in memory). A large text message's body is kept two bytes a character, and a character is at least
     * one byte of UTF-8: half its size is a bound below.
     */
    public static long declared(Message message) throws JMSException {
        if (message == null) {
            return -1;
        }
        if (message.propertyExists(LARGE_BODY_SIZE)) {
            long size = message.getLongProperty(LARGE_BODY_SIZE);
            return message instanceof TextMessage ? size / 2 - TEXT_HEADER_BYTES : size;
        }
        if (message instanceof BytesMessage bytes) {
            return bytes.getBodyLength();
        }
        return -1;
    }
}
