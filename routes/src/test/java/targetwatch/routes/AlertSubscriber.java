package targetwatch.routes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A partner's subscription to the alerts topic over TCP, optionally with a JMS selector: it keeps every
 * event it is sent, with the message's properties and its JSON body.
 */
final class AlertSubscriber implements AutoCloseable {

    /** One alert event as it arrived on the topic. */
    record Received(Map<String, Object> properties, JsonNode body) {

        String property(String name) {
            Object v = properties.get(name);
            return v == null ? null : v.toString();
        }

        boolean isFor(String indicator, String area) {
            return indicator.equals(property("indicator")) && area.equals(property("area"));
        }
    }

    private final Connection connection;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();

    /** Subscribes now to every partnership's alerts, so that every event published from here on reaches it. */
    AlertSubscriber(ConnectionFactory factory, String selector) throws JMSException {
        this(factory, "targetwatch.alerts", selector);
    }

    /** Subscribes now to one alert topic ({@code targetwatch.alerts.maidstone} for one partnership's). */
    AlertSubscriber(ConnectionFactory factory, String topic, String selector) throws JMSException {
        connection = factory.createConnection();
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createTopic(topic), selector);
            consumer.setMessageListener(this::keep);
            connection.start();
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    private void keep(Message m) {
        try {
            Map<String, Object> properties = new HashMap<>();
            for (Object name : Collections.list(m.getPropertyNames())) {
                properties.put((String) name, m.getObjectProperty((String) name));
            }
            received.add(new Received(properties, RunningTargetwatch.json(((TextMessage) m).getText())));
        } catch (JMSException | IOException | ClassCastException e) {
            failures.add(e);
        }
    }

    List<Received> received() {
        if (!failures.isEmpty()) {
            throw new AssertionError("an alert message could not be read", failures.get(0));
        }
        return List.copyOf(received);
    }

    /** Waits for the first event of the series (indicator, area) and returns it. */
    Received awaitEventFor(String indicator, String area) {
        return awaitEvent("an alert event for " + indicator + " in " + area, r -> r.isFor(indicator, area));
    }

    Received awaitEvent(String description, Predicate<Received> which) {
        return await(description).atMost(RunningTargetwatch.PATIENCE)
                .until(() -> received().stream().filter(which).findFirst(), Optional::isPresent).orElseThrow();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
