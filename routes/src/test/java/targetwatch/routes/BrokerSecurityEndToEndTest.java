package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.routes.broker.EmbeddedBroker;

/**
 * The embedded broker as an attacker with a real Artemis client over TCP finds it: nobody gets in without an
 * account, and a partner's account may send readings and acknowledgements and read its own partnership's alerts,
 * nothing more. What a partner sends in someone else's name goes to the dead-letter queue with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerSecurityEndToEndTest {

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatchServingTwoPartnerships(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of(
                "targetwatch.broker.partnerships", "maidstone,swale",
                "targetwatch.max-message-bytes", "65536"));
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void an_anonymous_connection_is_refused() {
        ConnectionFactory anonymous = new ActiveMQConnectionFactory(app.brokerUrl());
        assertThrows(JMSSecurityException.class, () -> anonymous.createConnection().close());
    }

    @Test
    void a_wrong_password_is_refused_and_the_right_one_signs_in() throws Exception {
        ConnectionFactory wrong = new ActiveMQConnectionFactory(app.brokerUrl(), "partner", "not-the-password");
        assertThrows(JMSSecurityException.class, () -> wrong.createConnection().close());
        app.partnerClient().createConnection().close();
    }

    @Test
    void a_partner_cannot_consume_the_readings_or_the_acknowledgements_queue() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("targetwatch.readings", "targetwatch.acks")) {
                assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createQueue(queue)), queue);
                assertThrows(JMSSecurityException.class, () -> session.createBrowser(session.createQueue(queue))
                        .getEnumeration().hasMoreElements(), queue);
            }
        }
    }

    @Test
    void a_partner_cannot_read_the_dead_letter_queues() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("targetwatch.readings.DLQ", "targetwatch.acks.DLQ", "DLQ")) {
                assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createQueue(queue)), queue);
            }
        }
    }

    @Test
    void a_partner_cannot_publish_on_the_alert_addresses() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String topic : List.of("targetwatch.alerts", "targetwatch.alerts.maidstone")) {
                assertThrows(JMSSecurityException.class, () -> session.createProducer(session.createTopic(topic))
                        .send(session.createTextMessage("{\"event\":\"RESOLVED\"}")), topic);
            }
        }
    }

    @Test
    void a_partner_reads_its_own_partnerships_alerts_but_not_another_partnerships_nor_all_of_them() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createTopic("targetwatch.alerts.maidstone")).close();
            assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createTopic("targetwatch.alerts.swale")));
            assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createTopic("targetwatch.alerts")));
        }
    }

    @Test
    void a_partner_cannot_manage_the_broker() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer management = session.createProducer(ActiveMQJMSClient.createQueue("activemq.management"));
            jakarta.jms.Message m = session.createMessage();
            org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.putOperationInvocation(m, "broker",
                    "createAddress", "stolen", "ANYCAST");
            assertThrows(JMSSecurityException.class, () -> management.send(m));
        }
    }

    @Test
    void a_partner_cannot_make_an_address_the_service_does_not_declare() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThrows(JMSException.class, () -> session.createProducer(session.createQueue("fill-the-disk"))
                    .send(session.createTextMessage("x")));
        }
    }

    @Test
    void a_reading_for_another_partnership_is_dead_lettered_with_its_reason_and_one_for_its_own_is_taken() throws Exception {
        String foreign = "{\"partnership\":\"swale\",\"indicator\":\"ksi-casualties\",\"area\":\"swale-forged\","
                + "\"period\":\"2017\",\"value\":20,\"source\":\"kfrs\"}";
        app.sendToReadingsQueue(foreign);
        String reason = app.awaitDeadLetterReason(foreign);
        assertTrue(reason.contains("the broker account partner sends readings for maidstone, not for swale"), reason);

        app.sendToReadingsQueue(Readings.json("ksi-casualties", "own-partnership", "2017", "20"));
        app.awaitAssessment("ksi-casualties", "own-partnership", "2017");
    }

    @Test
    void a_reading_from_an_account_that_names_its_source_is_stored_with_that_source_whatever_it_says() throws Exception {
        ConnectionFactory kfrs = app.addBrokerAccount("kfrs-system", "partner", "partnership.maidstone", "source.kfrs");
        try (Connection c = kfrs.createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("targetwatch.readings")).send(session.createTextMessage(
                    "{\"indicator\":\"ksi-casualties\",\"area\":\"source-from-account\",\"period\":\"2017\",\"value\":20,"
                            + "\"source\":\"kent-police\"}"));
        }
        app.awaitAssessment("ksi-casualties", "source-from-account", "2017");
        assertEquals(List.of("kfrs"), storedSources("source-from-account"));
    }

    @Test
    void an_acknowledgement_in_someone_elses_name_is_dead_lettered_with_its_reason_and_the_alert_stays_unacknowledged()
            throws Exception {
        String alert = app.raiseRepeatVictimsAlert("forged-ack");
        // the demo lead-asb account acknowledges as the ASB lead; the alert went to the domestic abuse lead
        String inTheirName = "{\"alert\":\"" + alert + "\",\"by\":\"lead-domestic-abuse\",\"comment\":\"seen\"}";
        String asItself = "{\"alert\":\"" + alert + "\",\"comment\":\"seen\"}";
        try (Connection c = app.brokerClient("lead-asb").createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.acks"));
            producer.send(session.createTextMessage(inTheirName));
            producer.send(session.createTextMessage(asItself));
        }
        String forged = awaitAckDeadLetter(inTheirName);
        assertTrue(forged.contains("an acknowledgement in the name of lead-domestic-abuse from the broker account lead-asb,"
                + " which acknowledges as lead-asb only"), forged);
        String notTold = awaitAckDeadLetter(asItself);
        assertTrue(notTold.contains("lead-asb was not told of alert " + alert), notTold);
        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(alert));
    }

    @Test
    void a_message_over_the_size_limit_is_refused_on_its_declared_size_with_its_reason() throws Exception {
        try (Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage big = session.createBytesMessage();
            big.writeBytes(new byte[65537]);
            big.setStringProperty("test", "just-over");
            // a reading padded with white space to exactly the limit
            String reading = "[" + Readings.json("ksi-casualties", "at-the-size-limit", "2017", "20");
            BytesMessage atLimit = session.createBytesMessage();
            atLimit.writeBytes((reading + " ".repeat(65536 - reading.length() - 1) + "]")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            producer.send(big);
            producer.send(atLimit);
        }
        String reason = await("the oversized message dead-lettered").atMost(PATIENCE)
                .until(() -> app.deadLetterReasonWhere("targetwatch.readings.DLQ", "test = 'just-over'"), Optional::isPresent)
                .orElseThrow();
        assertTrue(reason.contains("message of 65537 bytes is larger than the limit of 65536"), reason);
        app.awaitAssessment("ksi-casualties", "at-the-size-limit", "2017");
    }

    @Test
    void alert_event_ids_published_ahead_as_duplicate_ids_do_not_stop_the_real_alert_reaching_a_subscriber() throws Exception {
        String area = "guessed-event-ids";
        SeriesKey series = new SeriesKey("maidstone", "ksi-casualties", area);
        // the ids the first events of the series will have, worked out as anyone can from the readings
        Set<String> guessed = new HashSet<>();
        for (long sequence = 0; sequence < 4; sequence++) {
            for (Rating severity : List.of(Rating.AMBER, Rating.RED)) {
                guessed.add(AlertEvent.idFor(series, sequence, Period.parse("2017"), AlertEventType.RAISED, severity, 1));
            }
        }
        // published first, as a client able to publish on the alert address would (the service's own account here,
        // since no partner may)
        try (Connection c = new ActiveMQConnectionFactory(app.brokerUrl(), EmbeddedBroker.SERVICE_USER,
                app.bean(EmbeddedBroker.class).servicePassword()).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer decoys = session.createProducer(session.createTopic("targetwatch.alerts"));
            for (String id : guessed) {
                jakarta.jms.Message decoy = session.createTextMessage("{}");
                decoy.setStringProperty("_AMQ_DUPL_ID", id);
                decoys.send(decoy);
            }
        }
        try (AlertSubscriber partner = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone",
                "area = '" + area + "'")) {
            app.sendToReadingsQueue(Readings.json("ksi-casualties", area, "2017", "70"));
            AlertSubscriber.Received raised = partner.awaitEventFor("ksi-casualties", area);
            assertEquals("RAISED", raised.property("event"));
            assertTrue(guessed.contains(raised.property("eventId")), "the guess missed, so the test proves nothing: "
                    + raised.property("eventId"));
        }
    }

    private String awaitAckDeadLetter(String body) {
        return await("the acknowledgement " + body + " dead-lettered").atMost(PATIENCE)
                .until(() -> app.deadLetterReason("targetwatch.acks.DLQ", body), Optional::isPresent).orElseThrow();
    }

    private List<String> storedSources(String area) throws Exception {
        try (java.sql.Connection db = app.database();
             PreparedStatement q = db.prepareStatement("SELECT source FROM readings WHERE area = ?")) {
            q.setString(1, area);
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
