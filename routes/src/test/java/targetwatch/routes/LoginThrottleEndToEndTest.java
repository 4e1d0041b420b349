package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Password guessing over HTTP is refused before any hashing: a user name (known or not) that has failed 5 times is
 * answered 429 with Retry-After while other names are still checked; an address that has failed 20 times is answered
 * 429 for every name, a flood of guesses included, without a password being hashed; a client whose credentials were
 * verified before keeps working; failures from the API and the sign-in form are counted on /api/health.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginThrottleEndToEndTest {

    private static final int PER_NAME = 5;
    private static final int PER_ADDRESS = 20;
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty());
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private HttpResponse<String> status(String user, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return app.send(app.request("/api/status").header("Authorization", "Basic " + basic).GET().build());
    }

    private JsonNode signIns() throws Exception {
        HttpResponse<String> health = app.health();
        assertEquals(200, health.statusCode(), health.body());
        return RunningTargetwatch.json(health).get("signIns");
    }

    @Test
    void guesses_are_refused_before_hashing_by_name_then_by_address_and_counted_on_health() throws Exception {
        // given a viewer whose credentials were verified once (health with them shows no failure yet)
        JsonNode start = signIns();
        assertEquals(0, start.get("failed").asLong(), start.toString());

        // when a known name and an unknown one each fail one short of the name limit, both are still checked (401)
        for (String name : List.of("lead", "nobody.here")) {
            for (int i = 0; i < PER_NAME; i++) {
                assertEquals(401, status(name, "guess-" + i).statusCode(), name + " guess " + i);
            }
        }
        // then the next guess for each is refused without a look at its password, the same way for both
        for (String name : List.of("lead", "nobody.here")) {
            HttpResponse<String> refused = status(name, "one more guess");
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L) > 0,
                    "429 says when to try again: " + refused.headers().map());
            assertTrue(refused.body().contains("for this user name"), refused.body());
        }
        JsonNode afterNames = signIns();
        assertEquals(2L * PER_NAME, afterNames.get("failed").asLong(), afterNames.toString());
        assertEquals(2, afterNames.get("throttled").asLong(), afterNames.toString());

        // when the sign-in form fails once for yet another name, it counts with the API's
        assertEquals(401, signInForm("secretariat", "a guess"));
        int failedSoFar = 2 * PER_NAME + 1;

        // and other names fail until the address has failed its limit
        for (int i = failedSoFar; i < PER_ADDRESS; i++) {
            assertEquals(401, status("guess." + i, "guess").statusCode());
        }
        long checkedBeforeFlood = signIns().get("checked").asLong();

        // then a flood of guesses from the address, for known and unknown names, is answered 429 and none is hashed
        // (HTTP/1.1 connections, 50 requests at a time)
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            if (i % 50 == 0) {
                flood.forEach(CompletableFuture::join);
            }
            String name = i % 2 == 0 ? "admin" : "flood." + i;
            String basic = Base64.getEncoder().encodeToString((name + ":x" + i).getBytes(StandardCharsets.UTF_8));
            flood.add(client.sendAsync(app.request("/api/status").header("Authorization", "Basic " + basic).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> r = f.join();
            assertEquals(429, r.statusCode(), r.body());
            assertTrue(r.body().contains("from this address"), r.body());
        }
        JsonNode after = signIns();
        assertEquals(PER_ADDRESS, after.get("failed").asLong(), after.toString());
        assertEquals(2 + 200, after.get("throttled").asLong(), after.toString());
        assertEquals(checkedBeforeFlood, after.get("checked").asLong(), "no password of the flood was hashed");

        // and the viewer, verified before, still reads the status from the same address
        HttpResponse<String> viewer = app.send(app.request("/api/status").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        assertEquals(200, viewer.statusCode(), viewer.body());

        // and a right password not verified before waits like the rest (the form says so in words)
        assertEquals(429, status("lead", app.password("lead")).statusCode());
        assertEquals(429, signInForm("secretariat", app.password("secretariat")));
    }

    /** Posts the sign-in form with its CSRF token (from the form's page), answering the status. */
    private int signInForm(String name, String password) throws Exception {
        HttpResponse<String> form = app.send(app.request("/sign-in").GET().build());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher csrf = CSRF.matcher(form.body());
        assertTrue(csrf.find(), form.body());
        String body = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&next=%2Falerts&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password,
                StandardCharsets.UTF_8);
        HttpResponse<String> answer = app.send(app.request("/sign-in").header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        return answer.statusCode();
    }
}
