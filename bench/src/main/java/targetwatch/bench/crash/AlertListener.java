package targetwatch.bench.crash;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
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

    /**
     * Each connection serves until the client notices the broker gone; then it is closed and a new one opened, rather
     * than left to the client's own reconnection: a consumer the client re-attached to the restarted broker once
     * received nothing more, while the service published 860 more events to the topic (crash-test seed 37).
     */
    @Override
    public void run() {
        while (!stopped) {
            AtomicBoolean broken = new AtomicBoolean();
            try (Connection connection = factory.createConnection()) {
                ((ActiveMQConnection) connection).setFailoverListener(event -> {
                    if (event == FailoverEventType.FAILURE_DETECTED) {
                        broken.set(true);
                    }
                });
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(topic), SUBSCRIPTION);
                subscribed.countDown();
                int uncommitted = 0;
                while (!stopped && !broken.get()) {
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
                if (broken.get()) {
                    // what was recorded and not committed comes again, with the same JMSMessageIDs
                    lastError = "the connection failed";
                    reconnects.incrementAndGet();
                    continue;
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
