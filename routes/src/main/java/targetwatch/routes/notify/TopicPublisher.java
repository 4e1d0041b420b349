package targetwatch.routes.notify;

import java.util.List;
import java.util.function.Supplier;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.camel.support.service.ServiceSupport;

import targetwatch.engine.model.AlertEvent;

/**
 * Publishes the topic's batches, each in one transaction of the broker, on one transacted session and producer kept
 * open between batches: opening them for each batch cost the relay several round trips to the broker (the topic
 * looked up, the producer's address checked, the pooled session rolled back on its return) on the way from a
 * reading's commit to its alert on the topic. A batch that fails closes them, and the next batch opens them again, so
 * a broken connection or a broker restarted costs one batch (which the relay then sends one at a time). Used by the
 * topic's relay, one batch at a time; synchronized all the same.
 */
final class TopicPublisher extends ServiceSupport {

    /** A message of the topic for one event, made on the publisher's session. */
    @FunctionalInterface
    interface MessageMaker {
        Message make(Session session, AlertEvent event) throws JMSException;
    }

    private final Supplier<ConnectionFactory> factory;
    private final Supplier<String> topic;
    private Connection connection;
    private Session session;
    private MessageProducer producer;

    TopicPublisher(Supplier<ConnectionFactory> factory, Supplier<String> topic) {
        this.factory = factory;
        this.topic = topic;
    }

    /** Publishes the events in one transaction: all of them or, when it throws, none. */
    synchronized void publish(List<AlertEvent> events, MessageMaker maker) throws JMSException {
        if (!isStarted()) {
            throw new IllegalStateException("the topic publisher is stopped");
        }
        try {
            if (producer == null) {
                open();
            }
            for (AlertEvent e : events) {
                producer.send(maker.make(session, e));
            }
            session.commit();
        } catch (JMSException | RuntimeException e) {
            try {
                if (session != null) {
                    session.rollback();
                }
            } catch (JMSException | RuntimeException ignored) {
                // the session is gone with its transaction
            }
            closeQuietly();
            throw e;
        }
    }

    private void open() throws JMSException {
        try {
            connection = factory.get().createConnection();
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createTopic(topic.get()));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        } catch (JMSException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        session = null;
        producer = null;
        if (c != null) {
            try {
                c.close();
            } catch (JMSException | RuntimeException ignored) {
                // already broken
            }
        }
    }

    @Override
    protected void doStart() {
        // opened with the first batch: the broker may not be up yet
    }

    @Override
    protected synchronized void doStop() {
        closeQuietly();
    }
}
