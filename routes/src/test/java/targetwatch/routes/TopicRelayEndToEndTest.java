package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic's outbox relay against the real embedded broker, with its poll an hour apart: alerts reach a partner's
 * subscriber on the relay's wake-up after each commit, in batches published in one broker transaction, each event
 * once with its properties; and an event published before a crash (sent, never marked) goes in a batch with a new one
 * without being published twice and without taking the new one down with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicRelayEndToEndTest {

    private RunningTargetwatch app;
    private AlertSubscriber partner;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of("targetwatch.outbox.poll-ms", "3600000"));
        partner = new AlertSubscriber(app.partnerClient(), "targetwatch.alerts.maidstone",
                "indicator = 'ksi-casualties' AND event = 'RAISED'");
    }

    @AfterAll
    void stop() throws Exception {
        partner.close();
        app.close();
    }

    @Test
    void a_burst_of_alerts_reaches_the_partners_topic_without_a_poll_each_event_once_with_its_properties()
            throws Exception {
        List<String> areas = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            areas.add("burst-" + i);
        }
        for (String area : areas) {
            app.sendToReadingsQueue(Readings.json("ksi-casualties", area, "2017", "70"));
        }
        await("every alert of the burst on the topic").atMost(RunningTargetwatch.PATIENCE)
                .until(() -> received("burst-").size() == areas.size());
        List<AlertSubscriber.Received> got = received("burst-");
        assertEquals(Set.copyOf(areas), got.stream().map(r -> r.property("area")).collect(Collectors.toSet()));
        for (AlertSubscriber.Received r : got) {
            assertEquals("maidstone", r.property("partnership"));
            assertEquals("RED", r.property("severity"));
            assertEquals(1, r.properties().get("level"), "the level is an int property, as selectors compare it");
            assertEquals(r.body().get("id").asText(), r.property("eventId"));
            assertTrue(r.property("priority") != null && !r.property("priority").isBlank(), "no priority: " + r);
            assertTrue(r.property("alert") != null, "no alert id: " + r);
        }
        // the relay marks a batch sent once the broker took it, so the marks follow what the subscriber saw
        await("every topic delivery marked sent").atMost(RunningTargetwatch.PATIENCE)
                .until(() -> count("SELECT COUNT(*) FROM deliveries WHERE sink = 'TOPIC' AND status <> 'SENT'") == 0);
    }

    @Test
    void an_event_published_before_a_crash_goes_again_with_a_new_one_which_arrives_and_it_does_not_twice()
            throws Exception {
        app.sendToReadingsQueue(Readings.json("ksi-casualties", "before-the-crash", "2017", "70"));
        AlertSubscriber.Received first = partner.awaitEventFor("ksi-casualties", "before-the-crash");
        String published = first.body().get("id").asText();
        await("its delivery marked sent").atMost(RunningTargetwatch.PATIENCE).until(() -> count(
                "SELECT COUNT(*) FROM deliveries WHERE sink = 'TOPIC' AND status = 'SENT' AND event_id = '" + published
                        + "'") == 1);
        // the relay died after the broker took the message and before it marked it: pending again, claimed by no one;
        // nothing commits meanwhile, so the next claim takes it with the new reading's delivery, as one batch
        try (Connection c = app.database(); PreparedStatement s = c.prepareStatement("UPDATE deliveries SET status ="
                + " 'PENDING', sent_at = NULL, answer = NULL, claimed_by = NULL, claimed_until = NULL WHERE sink = 'TOPIC'"
                + " AND event_id = ?")) {
            s.setString(1, published);
            assertEquals(1, s.executeUpdate());
        }
        app.sendToReadingsQueue(Readings.json("ksi-casualties", "after-the-crash", "2017", "70"));

        partner.awaitEventFor("ksi-casualties", "after-the-crash");
        await("both deliveries marked sent").atMost(RunningTargetwatch.PATIENCE).until(() -> count(
                "SELECT COUNT(*) FROM deliveries WHERE sink = 'TOPIC' AND status <> 'SENT'") == 0);
        // a repeat, had the broker let it through, was on the subscription before anything published after the marks
        app.sendToReadingsQueue(Readings.json("ksi-casualties", "after-the-marks", "2017", "70"));
        partner.awaitEventFor("ksi-casualties", "after-the-marks");
        assertEquals(1, partner.received().stream().filter(r -> r.isFor("ksi-casualties", "before-the-crash")).count(),
                "the event published before the crash was published again");
    }

    private List<AlertSubscriber.Received> received(String areaPrefix) {
        return partner.received().stream().filter(r -> r.property("area") != null && r.property("area").startsWith(areaPrefix))
                .toList();
    }

    private long count(String sql) throws Exception {
        try (Connection c = app.database(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
