package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

import targetwatch.routes.service.IngestService;

/**
 * An open alert survives a restart of the service: it is rebuilt from the store at its level with whoever was told,
 * what fell due while the service was down goes out after it starts, and nothing already sent goes again.
 */
class AlertRestartEndToEndTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final Map<String, String> SETTINGS = Map.of("targetwatch.alerts.tick-ms", "200");
    /** Monday 1 June 2026, 10:00 in London. */
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T09:00:00Z"));
    private RunningTargetwatch app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void an_alert_open_at_a_restart_escalates_on_schedule_afterwards_and_nothing_is_mailed_twice(@TempDir Path data)
            throws Exception {
        String alert = raiseThenStop(data);

        // three weeks pass while the service is down: 15 working days, past level 2's 10
        clock.advance(Duration.ofDays(21));
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()), SETTINGS, clock);

        JsonNode open = alert(alert);
        assertEquals("open", open.get("status").asText());
        // escalated once, to the chair, and the lead who was told hears that it went over their head
        awaitMails(Map.of("ian.park@example.org", 2, "smp-chair@example.org", 1));
        assertEquals(2, alert(alert).get("level").asInt());
        assertEquals(List.of("ESCALATED lead-domestic-abuse", "ESCALATED smp-chair", "RAISED lead-domestic-abuse"),
                app.alertEvents(alert).stream().sorted().toList());
    }

    @Test
    void an_alert_raised_just_before_a_restart_is_not_raised_again_by_the_readings_rebuilt_after_it(@TempDir Path data)
            throws Exception {
        String alert = raiseThenStop(data);

        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()), SETTINGS, clock);
        // a reading after the restart that turns the series green resolves the alert open before it: one mail more,
        // and no second RAISED from the readings rebuilt at the start
        HttpResponse<String> green = app.postReadings("lead", "{\"indicator\":\"da-repeat-victims\",\"area\":\"restart-ward\","
                + "\"period\":\"2018-Q2\",\"value\":15,\"source\":\"dv-forum\"}");
        assertEquals(202, green.statusCode(), green.body());
        awaitMails(Map.of("ian.park@example.org", 2));
        assertEquals("resolved", alert(alert).get("status").asText());
        assertEquals(List.of("RAISED lead-domestic-abuse", "RESOLVED lead-domestic-abuse"), app.alertEvents(alert));
    }

    /** Starts the service, raises an alert, waits for its mail to the lead, and stops the service. */
    private String raiseThenStop(Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()), SETTINGS, clock);
        String alert = app.raiseRepeatVictimsAlert("restart-ward");
        awaitMails(Map.of("ian.park@example.org", 1));
        app.close();
        return alert;
    }

    private JsonNode alert(String id) throws Exception {
        return app.alertHistory(id).get("alert");
    }

    /**
     * Waits until the mailbox holds exactly these numbers of mails per address, then for the outbox to be empty,
     * and checks that no further mail came meanwhile.
     */
    private void awaitMails(Map<String, Integer> expected) {
        await("mails " + expected).atMost(PATIENCE).until(() -> mailsByAddress().equals(expected));
        await("an empty outbox").atMost(PATIENCE).until(() -> app.bean(targetwatch.routes.service.Tenants.class).first().ingest().store().deliveryCounts().unanswered() == 0);
        assertEquals(expected, mailsByAddress(), "mails after the outbox emptied");
    }

    private static Map<String, Integer> mailsByAddress() {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            try {
                Arrays.stream(m.getAllRecipients()).forEach(a ->
                        counts.merge(((jakarta.mail.internet.InternetAddress) a).getAddress(), 1, Integer::sum));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return counts;
    }
}
