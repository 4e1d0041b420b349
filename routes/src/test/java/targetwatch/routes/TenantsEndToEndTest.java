package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;
import static targetwatch.routes.RunningTargetwatch.json;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.routes.security.PasswordHash;

/**
 * Two partnerships in one service, each a tenant: Maidstone and Swale hold different targets (Swale's repeat-victims
 * target is 35%, Maidstone's 21%), different contacts and their own names, and rate, alert and mail independently.
 * Accounts belong to one partnership and are refused (403, or the dead-letter queue over JMS) whatever is another's;
 * a refused upload for Swale leaves Maidstone's rule set and intake as they were.
 */
class TenantsEndToEndTest {

    @TempDir
    static Path data;
    private static RunningTargetwatch app;
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(data.resolve("rules-root"));
        Path maidstone = SecretariatFiles.copyOfReal(root.resolve("maidstone"));
        Files.writeString(maidstone.resolve("settings.csv"), "setting,value\npartnership_name,Safer Maidstone Partnership\n"
                + "history_window_periods,600\ndaily_mail_budget,1000\n", StandardCharsets.UTF_8);
        Path swale = SecretariatFiles.copyOfReal(root.resolve("swale"));
        Files.writeString(swale.resolve("settings.csv"), "setting,value\npartnership_name,Safer Swale Partnership\narea,swale\n"
                + "history_window_periods,600\ndaily_mail_budget,1000\n", StandardCharsets.UTF_8);
        String targets = Files.readString(swale.resolve("targets.csv"));
        Files.writeString(swale.resolve("targets.csv"), targets.replace(
                "da-repeat-victims,% of domestic abuse victims who are repeat victims,domestic-abuse,percent,reduce-to,lower,quarter,23.3,2011-09-30,21,",
                "da-repeat-victims,% of domestic abuse victims who are repeat victims,domestic-abuse,percent,reduce-to,lower,quarter,40,2011-09-30,35,"));
        Files.writeString(swale.resolve("contacts.csv"), Files.readString(swale.resolve("contacts.csv"))
                .replace("Ian Park", "Sam Swale").replace("ian.park@example.org", "sam.swale@example.org"));
        account("ms-lead", "lead@maidstone", "lead-domestic-abuse");
        account("sw-lead", "lead@swale", "lead-domestic-abuse");
        account("ms-viewer", "viewer@maidstone", "");
        account("sw-secretariat", "secretariat@swale", "");
        account("everyone", "lead", "lead-domestic-abuse");
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of("targetwatch.rules", root.toString()));
    }

    /** An account line of the users file, with a fresh password remembered for the test. */
    private static void account(String name, String role, String contacts) throws IOException {
        String password = PasswordHash.randomPassword();
        PASSWORDS.put(name, password);
        Files.writeString(data.resolve("users.properties"), name + "=" + role.replace(":", "\\:") + "\\:"
                + PasswordHash.hash(password).replace(":", "\\:") + "\\:" + contacts + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static String auth(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORDS.get(user)).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String user, String path, String json) throws Exception {
        return app.send(app.request(path).header("Authorization", auth(user)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> get(String user, String path) throws Exception {
        return app.send(app.request(path).header("Authorization", auth(user)).GET().build());
    }

    private static String repeatVictims(String partnership, String value) {
        return "{\"partnership\":\"" + partnership + "\",\"indicator\":\"da-repeat-victims\",\"area\":\"" + partnership
                + "\",\"period\":\"2018-Q1\",\"value\":" + value + ",\"source\":\"dv-forum\"}";
    }

    /** The .eml files written so far to the address, their text with soft line breaks joined. */
    private static List<String> mailsTo(String address) throws IOException {
        Path mail = data.resolve("mail");
        if (!Files.isDirectory(mail)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(mail)) {
            // the sender writes ".<name>.tmp" and moves it into place, so only a *.eml is a finished mail
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".eml")).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1).replace("=\r\n", "").replace("=\n", "");
                if (text.contains("To: ") && text.substring(text.indexOf("To: "), text.indexOf('\n', text.indexOf("To: ")))
                        .contains(address)) {
                    out.add(text);
                }
            }
        }
        return out;
    }

    @Test
    void the_same_reading_rates_by_each_partnerships_own_target_and_alerts_its_own_lead_in_its_own_name() throws Exception {
        HttpResponse<String> ms = post("ms-lead", "/api/readings", repeatVictims("maidstone", "31"));
        assertEquals(202, ms.statusCode(), ms.body());
        assertEquals("RED", json(ms).get("assessments").get(0).get("rating").asText(), "31% against Maidstone's 21%");
        assertEquals("RAISED", json(ms).get("alerts").get(0).get("event").asText());
        HttpResponse<String> sw = post("sw-lead", "/api/readings", repeatVictims("swale", "31"));
        assertEquals(202, sw.statusCode(), sw.body());
        assertEquals("GREEN", json(sw).get("assessments").get(0).get("rating").asText(), "31% against Swale's 35%");
        // (a Swale alert another test raised may resolve here, but none is raised)
        json(sw).get("alerts").forEach(e -> assertFalse(e.get("event").asText().equals("RAISED"), e.toString()));

        HttpResponse<String> swRed = post("sw-lead", "/api/readings", repeatVictims("swale", "48").replace("2018-Q1", "2017-Q4"));
        assertEquals(202, swRed.statusCode(), swRed.body());
        assertEquals("RED", json(swRed).get("assessments").get(0).get("rating").asText(), "48% against Swale's 35%");

        await("each lead mailed").atMost(PATIENCE).until(() -> !mailsTo("ian.park@example.org").isEmpty()
                && !mailsTo("sam.swale@example.org").isEmpty());
        for (String mail : mailsTo("ian.park@example.org")) {
            assertTrue(mail.contains("Safer Maidstone Partnership"), mail);
            assertFalse(mail.contains("Swale"), mail);
        }
        for (String mail : mailsTo("sam.swale@example.org")) {
            assertTrue(mail.contains("Safer Swale Partnership"), mail);
            assertFalse(mail.contains("Maidstone Partnership"), mail);
        }
    }

    @Test
    void an_account_of_one_partnership_is_refused_the_others_alerts_acknowledgements_readings_and_rule_sets() throws Exception {
        HttpResponse<String> swRed = post("sw-lead", "/api/readings", repeatVictims("swale", "49").replace("2018-Q1", "2016-Q4"));
        assertEquals(202, swRed.statusCode(), swRed.body());
        String swaleAlert = json(swRed).get("alerts").get(0).get("alert").asText();

        assertEquals(403, get("ms-viewer", "/api/alerts/" + swaleAlert).statusCode(), "another partnership's alert");
        assertEquals(403, get("ms-viewer", "/api/alerts/" + swaleAlert + "/history").statusCode());
        assertEquals(403, post("ms-lead", "/api/alerts/" + swaleAlert + "/ack", "{}").statusCode(),
                "an acknowledgement of another partnership's alert");
        JsonNode listed = json(get("ms-viewer", "/api/alerts?status=all"));
        listed.get("alerts").forEach(a -> assertEquals("maidstone", a.get("partnership").asText(), a.toString()));
        assertEquals(200, get("everyone", "/api/alerts/" + swaleAlert).statusCode(), "an account of the whole service sees all");

        HttpResponse<String> foreign = post("sw-lead", "/api/readings", repeatVictims("maidstone", "22"));
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertTrue(foreign.body().contains("not to maidstone"), foreign.body());

        HttpResponse<String> rules = app.send(app.request("/api/rulesets?partnership=maidstone")
                .header("Authorization", auth("sw-secretariat")).GET().build());
        assertEquals(403, rules.statusCode(), rules.body());
        assertEquals(200, app.send(app.request("/api/rulesets").header("Authorization", auth("sw-secretariat")).GET().build())
                .statusCode(), "its own partnership's, without saying which");
    }

    @Test
    void a_reading_for_a_partnership_the_service_does_not_hold_is_refused_with_its_reason() throws Exception {
        HttpResponse<String> r = post("everyone", "/api/readings", repeatVictims("medway", "22"));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("partnership \\\"medway\\\" is not one this service holds (it holds maidstone, swale)"),
                r.body());
    }

    @Test
    void a_partner_system_of_one_partnership_has_the_others_readings_dead_lettered_with_the_reason() throws Exception {
        ConnectionFactory swalePartner = app.addBrokerAccount("swale-system", "partner", "partnership.swale");
        String body = "[" + repeatVictims("maidstone", "20").replace("2018-Q1", "2015-Q2") + "]";
        try (Connection c = swalePartner.createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            producer.send(session.createTextMessage(body));
        }
        String reason = app.awaitDeadLetterReason(body);
        assertTrue(reason.contains("sends readings for swale, not for maidstone"), reason);
    }

    @Test
    void a_refused_upload_for_one_partnership_leaves_the_other_untouched_and_taking_readings() throws Exception {
        int maidstoneActive = json(get("everyone", "/api/rulesets?partnership=maidstone")).get("active").asInt();
        HttpResponse<String> refused = app.send(app.request("/api/rulesets?partnership=swale&name=targets.csv")
                .header("Authorization", auth("sw-secretariat")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("indicator,name\nbroken,row\n")).build());
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals(maidstoneActive, json(get("everyone", "/api/rulesets?partnership=maidstone")).get("active").asInt());
        HttpResponse<String> still = post("ms-lead", "/api/readings", repeatVictims("maidstone", "20").replace("2018-Q1", "2014-Q1"));
        assertEquals(202, still.statusCode(), still.body());
        JsonNode health = json(get("everyone", "/api/health"));
        assertEquals("Safer Swale Partnership", health.get("partnerships").get("swale").get("name").asText());
        assertFalse(health.get("partnerships").has("medway"));
    }
    @Test
    void the_pages_of_another_partnership_are_refused_and_an_accounts_own_are_named_in_the_header() throws Exception {
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        String form = browser.send(app.request("/sign-in").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(csrf.find(), form);
        HttpResponse<String> signedIn = browser.send(app.request("/sign-in").header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1)
                + "&name=ms-viewer&password=" + java.net.URLEncoder.encode(PASSWORDS.get("ms-viewer"), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        HttpResponse<String> alerts = browser.send(app.request("/alerts").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, alerts.statusCode(), alerts.body());
        assertTrue(alerts.body().contains("govuk-generic-header__homepage-link\">Safer Maidstone Partnership</a>"),
                "the header names the account's partnership");
        for (String page : List.of("/alerts?partnership=swale", "/indicators?partnership=swale", "/report?partnership=swale")) {
            HttpResponse<String> refused = browser.send(app.request(page).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), page);
            assertTrue(refused.body().contains("Not your partnership"), page);
        }
        assertEquals(200, browser.send(app.request("/alerts?partnership=maidstone").GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
