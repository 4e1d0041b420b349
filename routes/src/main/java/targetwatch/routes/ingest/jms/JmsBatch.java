package targetwatch.routes.ingest.jms;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * What a {@code readings-jms} route gets: the messages of one transaction, in the order they were on the queue, and
 * the dead-letter queue in that same transaction, so that a message refused with its reason and the acknowledgement
 * of the others commit together (or, when the route fails, neither does).
 */
public final class JmsBatch {

    /** The property holding why a message went to the dead-letter queue. */
    public static final String REASON = "TargetwatchReason";
    /** The property holding how many of a dead-lettered message's readings were taken all the same. */
    public static final String ACCEPTED = "TargetwatchAccepted";
    /** Set on a message dead-lettered without its body, refused for its size. */
    public static final String BODY_LEFT_OUT = "TargetwatchBodyLeftOut";
    /** The id of the message a bodiless dead letter stands for. */
    public static final String ORIGINAL_ID = "TargetwatchOriginalMessageId";
    private static final int MAX_REASON_PROPERTY = 4000;

    private final List<ReceivedMessage> messages;
    private final Session session;
    private final MessageProducer deadLetters;
    private boolean anyDeadLettered;

    /** When the first message was received (System.nanoTime), and how long the broker keeps a silent connection. */
    private final long receivedAtNanos;
    private final long connectionTtlNanos;

    JmsBatch(List<ReceivedMessage> messages, Session session, MessageProducer deadLetters, long receivedAtNanos,
             java.time.Duration connectionTtl) {
        this.messages = List.copyOf(messages);
        this.session = session;
        this.deadLetters = deadLetters;
        this.receivedAtNanos = receivedAtNanos;
        this.connectionTtlNanos = connectionTtl.toNanos();
    }

    /**
     * Whether the broker cannot yet have handed these messages to another consumer: they were received within its
     * connection TTL, so this process cannot have stood still long enough since for the broker to give up on it.
     */
    public boolean current() {
        return System.nanoTime() - receivedAtNanos < connectionTtlNanos;
    }

    public List<ReceivedMessage> messages() {
        return messages;
    }

    /**
     * Sends the message, as it came (body and properties), to the dead-letter queue with its reason and how many of
     * its readings were taken; visible there once the batch commits. A message refused for its size goes without its
     * body (resending it would stream the whole body through this process): its properties, the reason and
     * {@value #BODY_LEFT_OUT} say what it was.
     */
    public void deadLetter(ReceivedMessage m, String reason, int accepted) throws JMSException {
        Message message = m.tooLarge() ? withoutBody(m.message()) : m.message();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            // the JMSX and broker-internal properties are the broker's to set
            if (!name.startsWith("JMSX") && !name.startsWith("_AMQ") && !name.startsWith("__AMQ")) {
                properties.put(name, message.getObjectProperty(name));
            }
        }
        message.clearProperties();
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            message.setObjectProperty(p.getKey(), p.getValue());
        }
        message.setStringProperty(REASON, reason.length() > MAX_REASON_PROPERTY
                ? reason.substring(0, MAX_REASON_PROPERTY) + "..." : reason);
        message.setIntProperty(ACCEPTED, accepted);
        deadLetters.send(message);
        anyDeadLettered = true;
    }

    /** Whether a message of this batch was sent to the dead-letter queue in its transaction (and changed for it). */
    boolean anyDeadLettered() {
        return anyDeadLettered;
    }

    /**
     * An empty message of the same kind (text or bytes) with the user properties and the message id of {@code large},
     * whose body stays unread.
     */
    private Message withoutBody(Message large) throws JMSException {
        Message copy = large instanceof jakarta.jms.TextMessage ? session.createTextMessage("") : session.createBytesMessage();
        for (Enumeration<?> names = large.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!name.startsWith("JMSX") && !name.startsWith("_AMQ") && !name.startsWith("__AMQ")) {
                copy.setObjectProperty(name, large.getObjectProperty(name));
            }
        }
        copy.setStringProperty(ORIGINAL_ID, large.getJMSMessageID());
        copy.setBooleanProperty(BODY_LEFT_OUT, true);
        return copy;
    }

    @Override
    public String toString() {
        List<String> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(m.id()));
        return "a batch of " + messages.size() + " message(s) " + ids;
    }
}
