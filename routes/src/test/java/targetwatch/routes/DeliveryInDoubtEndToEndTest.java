package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;
import static targetwatch.routes.RunningTargetwatch.json;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import targetwatch.routes.notify.OneShotSmtpServer;

/**
 * A mail server that hangs up after taking a message leaves the mail in doubt: it is not sent again by itself,
 * it shows on /api/health, and an administrator who has looked at the mail server's log sends it again (once)
 * or records it as made.
 */
class DeliveryInDoubtEndToEndTest {

    private RunningTargetwatch app;
    private GreenMail mail;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    void a_mail_in_doubt_waits_for_an_administrator_who_sends_it_again_once(@TempDir Path data) throws Exception {
        int smtpPort;
        try (OneShotSmtpServer hangsUp = new OneShotSmtpServer(null)) {
            smtpPort = hangsUp.port();
            app = RunningTargetwatch.start(data, Optional.of(smtpPort), Map.of());
            HttpResponse<String> red = app.postReadings("lead", "{\"indicator\":\"da-repeat-victims\",\"area\":\"doubt-ward\","
                    + "\"period\":\"2018-Q1\",\"value\":30,\"source\":\"dv-forum\"}");
            assertEquals(202, red.statusCode(), red.body());
            await("the mail in doubt").atMost(PATIENCE).until(() -> inDoubt() == 1);
        }
        mail = new GreenMail(new ServerSetup(smtpPort, "localhost", ServerSetup.PROTOCOL_SMTP));
        mail.start();

        assertEquals(403, app.send(app.request("/api/deliveries/in-doubt").header("Authorization", app.basicAuth("lead"))
                .GET().build()).statusCode(), "a lead officer may not see the outbox");
        HttpResponse<String> listed = app.send(app.request("/api/deliveries/in-doubt")
                .header("Authorization", app.basicAuth("admin")).GET().build());
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode delivery = json(listed).get("deliveries").get(0);
        assertEquals("EMAIL", delivery.get("sink").asText());
        assertEquals("RAISED", delivery.get("event").asText());
        assertEquals("lead-domestic-abuse", delivery.get("recipient").asText());
        assertEquals(0, mail.getReceivedMessages().length, "sent again without anyone asking");

        HttpResponse<String> resend = post("/api/deliveries/" + delivery.get("id").asText() + "/resend");
        assertEquals(200, resend.statusCode(), resend.body());
        await("the mail sent again").atMost(PATIENCE).until(() -> mail.getReceivedMessages().length == 1);
        assertEquals(delivery.get("eventId").asText(), mail.getReceivedMessages()[0].getHeader("X-Targetwatch-Event")[0]);
        await("nothing in doubt").atMost(PATIENCE).until(() -> inDoubt() == 0);

        HttpResponse<String> again = post("/api/deliveries/" + delivery.get("id").asText() + "/resend");
        assertEquals(404, again.statusCode(), "a delivery settled once cannot be sent again: " + again.body());
        assertEquals(404, post("/api/deliveries/not-a-number/delivered").statusCode());
    }

    private long inDoubt() throws Exception {
        return json(app.health()).get("deliveries").get("inDoubt").asLong();
    }

    private HttpResponse<String> post(String path) throws Exception {
        return app.send(app.request(path).header("Authorization", app.basicAuth("admin"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
}
