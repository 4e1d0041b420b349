package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;
import static targetwatch.routes.RunningTargetwatch.decimal;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

import targetwatch.routes.broker.EmbeddedBroker;

/**
 * Each source end to end, on the running service and the real Maidstone rule set: a reading comes in by
 * file drop, by a partner's JMS client, or over HTTP, and comes out as an assessment in the API, an alert
 * event on the topic and a mail to the target's lead. Every test uses its own area, so its series and its
 * alert are its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourcesEndToEndTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    /** ksi-casualties: reduce-to from 58 on 2011-09-30 to 40 on 2018-03-31, led by lead-road-safety. */
    private static final String KSI = "ksi-casualties";
    private static final String KSI_LEAD = "nick.silvester@example.org";
    /** 58 + (40 - 58) * 2284 / 2374 days, on 2017-12-31, to two places. */
    private static final BigDecimal KSI_EXPECTED_2017 = new BigDecimal("40.68");

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()));
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void a_red_reading_in_a_csv_file_dropped_in_the_inbox_is_assessed_published_and_mailed_to_the_lead() throws Exception {
        String area = "file-drop-ward";
        try (AlertSubscriber partner = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone", null)) {
            // given a reading file with one KSI count well above the trajectory
            // when it is dropped into the inbox
            app.drop("kfrs-ksi.csv", Readings.csv(Readings.csvRow(KSI, area, "2017", "70")));

            // then it is rated, published and mailed, and the file is filed as done
            assertRedKsiAlertReachedEveryone(area, partner);
            await("kfrs-ksi.csv in inbox/done").atMost(PATIENCE)
                    .until(() -> Files.exists(app.inbox().resolve("done/kfrs-ksi.csv")));
        }
    }

    @Test
    void a_red_reading_sent_to_the_queue_by_a_partners_jms_client_is_assessed_published_and_mailed_to_the_lead()
            throws Exception {
        String area = "jms-ward";
        try (AlertSubscriber partner = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone", null)) {
            // given a partner's own Artemis client over TCP
            // when it sends a KSI count well above the trajectory to the readings queue
            app.sendToReadingsQueue(Readings.json(KSI, area, "2017", "70"));

            // then it is rated, published and mailed
            assertRedKsiAlertReachedEveryone(area, partner);
        }
    }

    @Test
    void the_ids_of_messages_a_partners_jms_client_sent_are_kept_in_the_order_they_were_sent() throws Exception {
        // given three readings sent one after another by a partner's own Artemis client over TCP
        List<String> sent = sendThreeReadings("ordered-ids-ward");
        List<String> keys = sent.stream().map(targetwatch.engine.store.MessageKey::of).toList();

        // then, once taken, their ids are stored under keys in the order they were sent (time first, so that a batch's ids
        // are appended to the index rather than scattered over it)
        await("the three messages taken").atMost(PATIENCE).until(() -> storedKeys(keys).size() == 3);
        assertAll(() -> assertEquals(keys, storedKeys(keys), "in the order sent"),
                () -> assertTrue(keys.stream().allMatch(k -> k.startsWith("t1:")), "Artemis ids are time-based UUIDs: " + sent));
    }

    @Test
    void a_batch_taken_from_the_queue_is_committed_to_the_broker_though_no_message_follows_it() throws Exception {
        // given three readings sent by a partner's client, and then nothing more
        List<String> sent = sendThreeReadings("idle-commit-ward");
        List<String> keys = sent.stream().map(targetwatch.engine.store.MessageKey::of).toList();
        await("the three messages taken").atMost(PATIENCE).until(() -> storedKeys(keys).size() == 3);

        // then the broker holds none of them, neither waiting nor in delivery: intake commits a batch without waiting
        // for the broker's answer, and the commit goes out at once, not with whatever the session sends next
        EmbeddedBroker broker = app.bean(EmbeddedBroker.class);
        await("the queue emptied").atMost(PATIENCE).until(() -> broker.messageCount("targetwatch.readings") == 0);
    }

    /**
     * Three readings of the area (2014, 2015, 2016) sent one after another by a partner's own Artemis client over TCP;
     * their JMS message ids, in the order sent.
     */
    private List<String> sendThreeReadings(String area) throws jakarta.jms.JMSException {
        List<String> sent = new ArrayList<>();
        try (jakarta.jms.Connection c = app.partnerClient().createConnection()) {
            jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            for (String period : List.of("2014", "2015", "2016")) {
                jakarta.jms.TextMessage m = session.createTextMessage(Readings.json(KSI, area, period, "30"));
                producer.send(m);
                sent.add(m.getJMSMessageID());
            }
        }
        return sent;
    }

    /** Which of these keys the processed messages hold, in key order. */
    private List<String> storedKeys(List<String> keys) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Connection c = app.database();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT message_id FROM processed_messages"
                     + " WHERE message_id IN (?, ?, ?) ORDER BY message_id")) {
            for (int i = 0; i < 3; i++) {
                s.setString(i + 1, keys.get(i));
            }
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void a_red_reading_posted_over_http_by_a_lead_is_assessed_published_and_mailed_to_the_lead() throws Exception {
        String area = "http-ward";
        try (AlertSubscriber partner = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone", null)) {
            // given the lead's demo credentials
            // when a KSI count well above the trajectory is posted
            HttpResponse<String> response = app.postReadings("lead", Readings.json(KSI, area, "2017", "70"));

            // then it is accepted, rated, published and mailed
            assertEquals(202, response.statusCode(), response.body());
            assertRedKsiAlertReachedEveryone(area, partner);
        }
    }

    @Test
    void a_subscriber_selecting_on_priority_gets_the_road_safety_alert_but_not_the_domestic_abuse_one() throws Exception {
        String area = "selector-ward";
        // given one partner that selects road-safety alerts, and one that takes every alert for the area
        try (AlertSubscriber roadSafety = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone", "priority = 'road-safety'");
             AlertSubscriber everything = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone", "area = '" + area + "'")) {
            // when a red domestic-abuse reading and then a red road-safety reading come in
            assertEquals(202, app.postReadings("lead", Readings.json("da-repeat-victims", area, "2017-Q4", "40")).statusCode());
            assertEquals(202, app.postReadings("lead", Readings.json(KSI, area, "2017", "70")).statusCode());

            // then both were published
            AlertSubscriber.Received domesticAbuse = everything.awaitEventFor("da-repeat-victims", area);
            everything.awaitEventFor(KSI, area);
            assertEquals("domestic-abuse", domesticAbuse.property("priority"));

            // and the selecting partner got the road-safety one
            AlertSubscriber.Received road = roadSafety.awaitEventFor(KSI, area);
            assertEquals("road-safety", road.property("priority"));

            // and never the domestic-abuse one, nor anything else outside its priority
            await("no alert outside road-safety reaches the selecting partner")
                    .during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> roadSafety.received().stream().allMatch(r -> "road-safety".equals(r.property("priority"))));
            assertFalse(roadSafety.received().stream().anyMatch(r -> r.isFor("da-repeat-victims", area)));
        }
    }

    @Test
    void posting_readings_answers_202_with_the_accepted_count_and_the_assessments() throws Exception {
        String area = "http-batch-ward";
        // given two years of KSI counts: 2017 well above the trajectory, 2018 below the target of 40
        String body = "[" + Readings.json(KSI, area, "2017", "70") + "," + Readings.json(KSI, area, "2018", "30") + "]";

        // when they are posted together
        HttpResponse<String> response = app.postReadings("lead", body);

        // then both are accepted and the answer holds both assessments
        assertEquals(202, response.statusCode(), response.body());
        JsonNode answer = RunningTargetwatch.json(response);
        assertEquals(2, answer.get("accepted").asInt());
        JsonNode y2017 = assessmentIn(answer, area, "2017");
        JsonNode y2018 = assessmentIn(answer, area, "2018");
        assertAll(
                () -> assertEquals("RED", y2017.get("rating").asText()),
                () -> assertEquals(0, KSI_EXPECTED_2017.compareTo(decimal(y2017, "expected")), y2017.toString()),
                () -> assertEquals("GREEN", y2018.get("rating").asText()),
                () -> assertEquals(0, new BigDecimal("40").compareTo(decimal(y2018, "expected")), y2018.toString()),
                () -> assertEquals(0, new BigDecimal("30").compareTo(decimal(y2018, "actual")), y2018.toString()),
                () -> assertEquals("improving", y2018.get("direction").asText()));
        // and the alert the first raised, the second resolved
        List<String> events = StreamSupport.stream(answer.get("alerts").spliterator(), false)
                .map(a -> a.get("event").asText()).toList();
        assertEquals(List.of("RAISED", "RESOLVED"), events);
    }

    /** The reading of 70 for 2017 in {@code area} is RED in the API, on the topic, and in the lead's mail. */
    private void assertRedKsiAlertReachedEveryone(String area, AlertSubscriber partner) throws Exception {
        JsonNode assessment = app.awaitAssessment(KSI, area, "2017");
        assertAll("assessment in /api/status",
                () -> assertEquals("RED", assessment.get("rating").asText()),
                () -> assertEquals(0, new BigDecimal("70").compareTo(decimal(assessment, "actual")), assessment.toString()),
                () -> assertEquals(0, KSI_EXPECTED_2017.compareTo(decimal(assessment, "expected")), assessment.toString()));

        AlertSubscriber.Received event = partner.awaitEventFor(KSI, area);
        assertAll("alert event on targetwatch.alerts",
                () -> assertEquals("maidstone", event.property("partnership")),
                () -> assertEquals("road-safety", event.property("priority")),
                () -> assertEquals("RED", event.property("severity")),
                () -> assertEquals("RAISED", event.property("event")),
                () -> assertEquals("1", event.property("level")),
                () -> assertEquals(event.body().get("id").asText(), event.property("eventId")),
                () -> assertEquals("2017", event.body().get("period").asText()),
                () -> assertEquals(0, new BigDecimal("70").compareTo(decimal(event.body(), "actual"))),
                () -> assertEquals(0, KSI_EXPECTED_2017.compareTo(decimal(event.body(), "expected"))));

        String text = await("a mail to " + KSI_LEAD + " about " + area).atMost(PATIENCE)
                .until(() -> mailText(KSI_LEAD, area), Optional::isPresent).orElseThrow();
        assertAll("mail to the lead",
                () -> assertTrue(text.contains(KSI), text),
                () -> assertTrue(text.contains("Actual: 70\n"), text),
                () -> assertTrue(text.contains("Expected: " + KSI_EXPECTED_2017.toPlainString() + " "), text),
                () -> assertTrue(text.contains("Rating: RED"), text));
    }

    /** The plain text of the first mail to {@code to} whose subject names {@code area}. */
    private static Optional<String> mailText(String to, String area) throws MessagingException, IOException {
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            Address[] recipients = m.getAllRecipients();
            boolean toLead = recipients != null && Arrays.stream(recipients)
                    .anyMatch(a -> a instanceof InternetAddress i && to.equals(i.getAddress()));
            if (toLead && m.getSubject().contains("(" + area + ",")) {
                return Optional.of(plainText(m));
            }
        }
        return Optional.empty();
    }

    private static String plainText(MimeMessage m) throws MessagingException, IOException {
        Object content = m.getContent();
        if (content instanceof String s) {
            return s;
        }
        Multipart parts = (Multipart) content;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                return part.getContent().toString().replace("\r\n", "\n");
            }
        }
        throw new AssertionError("the mail has no plain-text part");
    }

    private static JsonNode assessmentIn(JsonNode answer, String area, String period) {
        return StreamSupport.stream(answer.get("assessments").spliterator(), false)
                .filter(a -> a.get("area").asText().equals(area) && a.get("period").asText().equals(period))
                .findFirst().orElseThrow(() -> new AssertionError("no assessment for " + period + " in " + answer));
    }
}
