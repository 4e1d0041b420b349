package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Partners whose systems are not Java and not Artemis' own: AMQP 1.0 through Apache Qpid JMS (the protocol a .NET
 * or Python partner's standard client speaks), and STOMP over a plain socket, on the same port as Artemis' core
 * protocol and under the same accounts and roles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmqpPartnerEndToEndTest {

    private RunningTargetwatch app;
    private String amqpUrl;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of("targetwatch.broker.partnerships", "maidstone,swale"));
        amqpUrl = app.brokerUrl().replace("tcp://", "amqp://");
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    private ConnectionFactory amqp(String account) throws IOException {
        return new JmsConnectionFactory(account, app.password(account), amqpUrl);
    }

    @Test
    void a_partner_sends_a_reading_over_amqp_and_receives_its_alert_over_amqp() throws Exception {
        try (Connection c = amqp("partner").createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer alerts = session.createConsumer(session.createTopic("targetwatch.alerts.maidstone"),
                    "area = 'amqp-ward'");
            session.createProducer(session.createQueue("targetwatch.readings")).send(session.createTextMessage(
                    Readings.json("ksi-casualties", "amqp-ward", "2017", "70")));
            TextMessage alert = (TextMessage) alerts.receive(PATIENCE.toMillis());
            assertNotNull(alert, "no alert reached the AMQP subscriber");
            assertEquals("RAISED", alert.getStringProperty("event"));
            assertEquals("RED", alert.getStringProperty("severity"));
            JsonNode body = RunningTargetwatch.json(alert.getText());
            assertEquals("ksi-casualties", body.get("indicator").asText());
            assertEquals("amqp-ward", body.get("area").asText());
        }
    }

    @Test
    void over_amqp_an_anonymous_client_is_refused_and_a_partner_may_neither_consume_readings_nor_read_another_partnership()
            throws Exception {
        assertThrows(JMSSecurityException.class, () -> new JmsConnectionFactory(amqpUrl).createConnection().start());
        try (Connection c = amqp("partner").createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // Artemis answers a refused AMQP link with the permission it lacked
            for (Executable refused : List.<Executable>of(
                    () -> session.createConsumer(session.createQueue("targetwatch.readings")),
                    () -> session.createConsumer(session.createTopic("targetwatch.alerts.swale")),
                    () -> session.createProducer(session.createTopic("targetwatch.alerts.maidstone"))
                            .send(session.createTextMessage("{}")))) {
                JMSException e = assertThrows(JMSException.class, refused);
                assertTrue(e.getMessage().contains("User: partner does not have permission="), e.getMessage());
            }
        }
    }

    @Test
    void an_amqp_client_cannot_write_someone_elses_account_on_its_message() throws Exception {
        String alert = app.raiseRepeatVictimsAlert("amqp-forged-sender");
        app.addBrokerAccount("dv-forum-cases", "partner", "partnership.maidstone", "contact.lead-domestic-abuse");
        String ack = "{\"alert\":\"" + alert + "\"}";
        try (Connection c = amqp("partner").createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage m = session.createTextMessage(ack);
            m.setStringProperty("_AMQ_VALIDATED_USER", "dv-forum-cases");
            session.createProducer(session.createQueue("targetwatch.acks")).send(m);
        }
        String reason = await("the acknowledgement dead-lettered").atMost(PATIENCE)
                .until(() -> app.deadLetterReason("targetwatch.acks.DLQ", ack), Optional::isPresent).orElseThrow();
        assertTrue(reason.contains("the broker account partner names no contact"), reason);
    }

    @Test
    void a_partner_sends_a_reading_over_stomp_with_its_account_and_without_one_is_refused() throws Exception {
        int port = Integer.parseInt(app.brokerUrl().substring(app.brokerUrl().lastIndexOf(':') + 1));
        try (Stomp anonymous = new Stomp(port)) {
            assertTrue(anonymous.connect(null, null).startsWith("ERROR"), "an anonymous STOMP client was let in");
        }
        try (Stomp partner = new Stomp(port)) {
            assertTrue(partner.connect("partner", app.password("partner")).startsWith("CONNECTED"));
            partner.send("targetwatch.readings", Readings.json("ksi-casualties", "stomp-ward", "2017", "20"));
        }
        app.awaitAssessment("ksi-casualties", "stomp-ward", "2017");
    }

    /** STOMP 1.2 frames over a socket: what any language's STOMP library sends. */
    private static final class Stomp implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        Stomp(int port) throws IOException {
            socket = new Socket("localhost", port);
            socket.setSoTimeout((int) PATIENCE.toMillis());
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Sends CONNECT and returns the first line of the answer (CONNECTED or ERROR). */
        String connect(String login, String passcode) throws IOException {
            frame("CONNECT\naccept-version:1.2\nhost:localhost\n"
                    + (login == null ? "" : "login:" + login + "\npasscode:" + passcode + "\n") + "\n");
            String line = in.readLine();
            while (line != null && line.isEmpty()) {
                line = in.readLine();
            }
            return String.valueOf(line);
        }

        /** Sends a message and waits for the broker's receipt of it. */
        void send(String queue, String body) throws IOException {
            frame("SEND\ndestination:" + queue + "\ndestination-type:ANYCAST\ncontent-type:application/json\nreceipt:1\n\n" + body);
            String line = in.readLine();
            while (line != null && !line.startsWith("RECEIPT") && !line.startsWith("ERROR")) {
                line = in.readLine();
            }
            assertEquals("RECEIPT", line, "the broker did not take the STOMP message");
        }

        private void frame(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
