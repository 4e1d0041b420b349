package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;
import static targetwatch.routes.RunningTargetwatch.json;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

import targetwatch.routes.service.IngestService;

/**
 * Alerts people act on, end to end: the three ways to acknowledge (the API, the link in the mail, a JMS message
 * on targetwatch.acks) each stop escalation; a forged, reused or expired link is refused; the history and list
 * APIs; one digest mail when several indicators of a priority change together. The service runs on a clock the
 * test moves (the real escalation.csv: level 2, the SMP chair, after 10 working days unacknowledged; an
 * acknowledgement at level 1 lasts 20 working days; links work for 14 days).
 *
 * <p>Each test uses its own areas of da-repeat-victims (quarterly, lead lead-domestic-abuse): 30 in 2018-Q1 is RED;
 * 2018-Q1 ends on the target date, so no later quarter is chased as late data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsEndToEndTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    private static final String LEAD_MAIL = "ian.park@example.org";
    /** Monday 1 June 2026, 10:00 in London. */
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T09:00:00Z"));
    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()), Map.of("targetwatch.alerts.tick-ms", "200"),
                clock);
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    /** Moves the clock three weeks on (15 working days: past level 2's 10) and lets the alert clock tick. */
    private void threeWeeksPass() {
        clock.advance(Duration.ofDays(21));
        app.bean(targetwatch.routes.service.Tenants.class).first().ingest().tick();
    }

    /**
     * The acknowledgement link for an area's alert in the mails to the lead: the first link after the area is named,
     * in a mail of its own or in a digest of several.
     */
    private String linkInMailAbout(String area) {
        Pattern link = Pattern.compile("(http://localhost:\\d+/ack/[A-Za-z0-9_.-]+)");
        return await("a mail about " + area + " with a link").atMost(PATIENCE).until(() -> {
            for (MimeMessage m : MAIL.getReceivedMessages()) {
                String body = GreenMailUtil.getBody(m).replace("=\r\n", "").replace("=3D", "=");
                int named = body.indexOf(area);
                Matcher found = link.matcher(body);
                if (named >= 0 && found.find(named)) {
                    return Optional.of(found.group(1));
                }
            }
            return Optional.<String>empty();
        }, Optional::isPresent).orElseThrow();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> postLink(String link, String comment) throws Exception {
        return app.send(HttpRequest.newBuilder(URI.create(link)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("comment=" + java.net.URLEncoder.encode(comment,
                        java.nio.charset.StandardCharsets.UTF_8))).build());
    }

    @Test
    void an_acknowledgement_through_the_api_stops_escalation_while_an_unacknowledged_alert_goes_to_the_chair()
            throws Exception {
        String acked = app.raiseRepeatVictimsAlert("api-acked");
        String ignored = app.raiseRepeatVictimsAlert("api-ignored");

        HttpResponse<String> ack = app.send(app.request("/api/alerts/" + acked + "/ack").header("Authorization", app.basicAuth("lead"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"comment\":\"MARAC review booked\"}")).build());
        assertEquals(200, ack.statusCode(), ack.body());

        threeWeeksPass();
        assertEquals(List.of("RAISED lead-domestic-abuse", "ACKNOWLEDGED lead-domestic-abuse"), app.alertEvents(acked));
        assertTrue(app.alertEvents(ignored).contains("ESCALATED smp-chair"), app.alertEvents(ignored).toString());
        JsonNode ackEvent = app.alertHistory(acked).get("events").get(1);
        assertEquals("lead", ackEvent.get("actor").asText());
        assertEquals("MARAC review booked", ackEvent.get("comment").asText());
        assertEquals("lead", app.alertHistory(acked).get("alert").get("acknowledgedBy").asText());
    }

    @Test
    void acknowledging_an_alert_that_is_not_open_answers_not_found() throws Exception {
        HttpResponse<String> r = app.send(app.request("/api/alerts/no-such-alert/ack").header("Authorization", app.basicAuth("lead"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, r.statusCode(), r.body());
    }

    @Test
    void the_link_in_the_mail_shows_the_alert_acknowledges_it_once_and_stops_escalation() throws Exception {
        String alert = app.raiseRepeatVictimsAlert("link-acked");
        String link = linkInMailAbout("link-acked");

        // a GET (a mail scanner following the link) changes nothing
        HttpResponse<String> page = app.send(HttpRequest.newBuilder(URI.create(link)).GET().build());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("link-acked"));
        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(alert));

        HttpResponse<String> confirmed = postLink(link, "on it <b>now</b>");
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        HttpResponse<String> again = postLink(link, "again");
        assertEquals(409, again.statusCode(), "a link works once: " + again.body());

        threeWeeksPass();
        assertEquals(List.of("RAISED lead-domestic-abuse", "ACKNOWLEDGED lead-domestic-abuse"), app.alertEvents(alert));
        assertEquals("on it <b>now</b>", app.alertHistory(alert).get("events").get(1).get("comment").asText());
    }

    @Test
    void a_forged_or_altered_link_is_refused_and_acknowledges_nothing() throws Exception {
        String alert = app.raiseRepeatVictimsAlert("link-forged");
        String link = linkInMailAbout("link-forged");
        String token = link.substring(link.lastIndexOf('/') + 1);
        char[] altered = token.toCharArray();
        altered[3] = altered[3] == 'A' ? 'B' : 'A';

        for (String forged : List.of(new String(altered), token.substring(0, token.indexOf('.')) + ".c2lnbmF0dXJl", "nonsense")) {
            HttpResponse<String> r = postLink(link.substring(0, link.lastIndexOf('/') + 1) + forged, "");
            assertEquals(403, r.statusCode(), forged + ": " + r.body());
        }
        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(alert));
    }

    @Test
    void an_expired_link_is_refused() throws Exception {
        String alert = app.raiseRepeatVictimsAlert("link-expired");
        String link = linkInMailAbout("link-expired");
        clock.advance(Duration.ofDays(15));
        HttpResponse<String> r = postLink(link, "too late");
        assertEquals(410, r.statusCode(), r.body());
        assertFalse(app.alertEvents(alert).contains("ACKNOWLEDGED lead-domestic-abuse"));
    }

    @Test
    void an_acknowledgement_on_the_jms_queue_stops_escalation_and_a_bad_one_is_dead_lettered_with_its_reason()
            throws Exception {
        String acked = app.raiseRepeatVictimsAlert("jms-acked");
        // the DV forum's case system acknowledges as the domestic abuse lead: its broker account says so
        ConnectionFactory dvForum = app.addBrokerAccount("dv-forum-cases", "partner", "partnership.maidstone",
                "contact.lead-domestic-abuse");
        try (Connection c = dvForum.createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.acks"));
            producer.send(session.createTextMessage("{\"alert\":\"" + acked + "\","
                    + "\"comment\":\"from the DV forum's case system\"}"));
            producer.send(session.createTextMessage("{\"alert\":\"no-such-alert\",\"by\":\"lead-domestic-abuse\"}"));
        }
        await("the JMS acknowledgement").atMost(PATIENCE)
                .until(() -> app.alertEvents(acked).contains("ACKNOWLEDGED lead-domestic-abuse"));
        String reason = await("the bad acknowledgement dead-lettered").atMost(PATIENCE)
                .until(() -> app.deadLetterReason("targetwatch.acks.DLQ", "{\"alert\":\"no-such-alert\",\"by\":\"lead-domestic-abuse\"}"),
                        Optional::isPresent).orElseThrow();
        assertTrue(reason.contains("no open alert"), reason);

        threeWeeksPass();
        assertEquals(List.of("RAISED lead-domestic-abuse", "ACKNOWLEDGED lead-domestic-abuse"), app.alertEvents(acked));
    }

    @Test
    void several_indicators_of_a_priority_going_red_together_reach_their_lead_as_one_digest() throws Exception {
        int before = MAIL.getReceivedMessages().length;
        // two re-offending indicators, both with hysteresis 1, so each opens an alert on its first red reading
        String file = "partnership,indicator,area,period,value,source\n"
                + "maidstone,yjs-first-time-entrants,digest-ward,2018-Q1,20,yjs\n"
                + "maidstone,reoffending-rate,digest-ward,2018-Q1,40,probation\n";
        app.drop("digest.csv", file);
        MimeMessage digest = await("one digest mail").atMost(PATIENCE).until(() -> Arrays.stream(MAIL.getReceivedMessages())
                .skip(before).filter(m -> subject(m).contains("2 alerts for reducing-reoffending")).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertEquals("jody.gagan-cook@example.org",
                ((jakarta.mail.internet.InternetAddress) digest.getAllRecipients()[0]).getAddress());
        String events = digest.getHeader("X-Targetwatch-Event")[0];
        assertEquals(2, events.strip().split("\\s+").length, events);
        assertTrue(Arrays.stream(MAIL.getReceivedMessages()).skip(before)
                .noneMatch(m -> subject(m).contains("digest-ward")), "no separate mails besides the digest");
    }

    @Test
    void the_alert_list_shows_open_alerts_with_their_level_and_who_was_told() throws Exception {
        String alert = app.raiseRepeatVictimsAlert("listed");
        HttpResponse<String> r = app.send(app.request("/api/alerts").header("Authorization", app.basicAuth("viewer")).GET().build());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode listed = null;
        for (JsonNode a : json(r).get("alerts")) {
            if (a.get("id").asText().equals(alert)) {
                listed = a;
            }
        }
        assertTrue(listed != null, r.body());
        assertEquals("open", listed.get("status").asText());
        assertEquals(1, listed.get("level").asInt());
        assertEquals("lead-domestic-abuse", listed.get("told").get(0).asText());
        assertEquals(401, app.send(app.request("/api/alerts").GET().build()).statusCode());
    }
}
