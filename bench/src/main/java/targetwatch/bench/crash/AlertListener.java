package targetwatch.bench.crash;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A partner's subscriber on the alerts topic: a shared durable subscription over TCP that outlives the
 * service's crashes, reconnecting while the broker (inside the service) is down. Each message is recorded
 * before the transacted session commits, so none is lost to the test; a message the broker hands over again
 * after a rolled-back commit keeps its JMSMessageID, so it is told apart from a second message the service
 * published for the same event (a new JMSMessageID with the same eventId: a real duplicate).
 */
final class AlertListener implements Runnable {

    static final String SUBSCRIPTION = "targetwatch-crash-test";
    private static final int COMMIT_EVERY = 100;

    private final ActiveMQConnectionFactory factory;
    private final String topic;
    /** eventId to the JMSMessageIDs that carried it. */
    private final Map<String, Set<String>> messagesByEvent = new ConcurrentHashMap<>();
    private final Set<String> seenMessageIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong withoutEventId = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile String lastError = "";

    /** Listens on {@code topic} with a client signed in as an account that may read it. */
    AlertListener(ActiveMQConnectionFactory factory, String topic) {
        this.factory = factory;
        this.topic = topic;
    }

    @Override
    public void run() {
        while (!stopped) {
            try (Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(topic), SUBSCRIPTION);
                subscribed.countDown();
                int uncommitted = 0;
                while (!stopped) {
                    Message m = consumer.receive(200);
                    if (m != null) {
                        record(m);
                        uncommitted++;
                    }
                    if (uncommitted > 0 && (m == null || uncommitted >= COMMIT_EVERY)) {
                        session.commit();
                        uncommitted = 0;
                    }
                }
                if (uncommitted > 0) {
                    session.commit();
                }
            } catch (JMSException | RuntimeException e) {
                // the broker went away with the service, or a commit was rolled back on failover: start again;
                // what was not committed comes again with the same JMSMessageID
                lastError = e.toString();
                reconnects.incrementAndGet();
                sleep(200);
            }
        }
    }

    private void record(Message m) throws JMSException {
        received.incrementAndGet();
        lastMessageNanos = System.nanoTime();
        String messageId = m.getJMSMessageID();
        if (!seenMessageIds.add(messageId)) {
            redelivered.incrementAndGet();
            return;
        }
        String eventId = m.getStringProperty("eventId");
        if (eventId == null) {
            withoutEventId.incrementAndGet();
            return;
        }
        messagesByEvent.computeIfAbsent(eventId, k -> ConcurrentHashMap.newKeySet()).add(messageId);
    }

    boolean awaitSubscribed(long seconds) throws InterruptedException {
        return subscribed.await(seconds, TimeUnit.SECONDS);
    }

    void stop() {
        stopped = true;
    }

    Map<String, Set<String>> messagesByEvent() {
        return messagesByEvent;
    }

    int distinctEvents() {
        return messagesByEvent.size();
    }

    long received() {
        return received.get();
    }

    long redelivered() {
        return redelivered.get();
    }

    long withoutEventId() {
        return withoutEventId.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    String lastError() {
        return lastError;
    }

    /** How long since the last message came, in milliseconds. */
    long quietMillis() {
        return (System.nanoTime() - lastMessageNanos) / 1_000_000;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
