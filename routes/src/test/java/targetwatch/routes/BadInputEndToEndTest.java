package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bad input ends where DESIGN.md says, with its reason (a failed/ folder with a report, the dead-letter
 * queue, an HTTP error), and the service keeps taking good readings from the same source afterwards.
 * Mail goes to .eml files here: these tests are about intake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputEndToEndTest {

    private static final String KSI = "ksi-casualties";

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty());
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    // ---- file drop

    @Test
    void a_csv_file_with_a_bad_row_moves_to_failed_with_a_report_naming_the_row_while_its_good_rows_are_assessed()
            throws Exception {
        // given a reading file whose second data row (row 3, counting the header) has no number
        String file = Readings.csv(
                Readings.csvRow(KSI, "bad-csv-ward", "2017", "70"),
                Readings.csvRow(KSI, "bad-csv-ward", "2016", "forty"),
                Readings.csvRow("needles-collected", "bad-csv-ward", "2017", "900"));

        // when it is dropped into the inbox
        app.drop("mixed.csv", file);

        // then it moves to failed/ with a report naming the row and why
        Path failed = app.inbox().resolve("failed");
        await("mixed.csv in inbox/failed with its report").atMost(PATIENCE)
                .until(() -> Files.exists(failed.resolve("mixed.csv")) && Files.exists(failed.resolve("mixed.csv.errors")));
        String report = Files.readString(failed.resolve("mixed.csv.errors"), StandardCharsets.UTF_8);
        assertTrue(report.contains("mixed.csv:3: value \"forty\" is not a number"), report);
        assertFalse(Files.exists(app.inbox().resolve("done/mixed.csv")));

        // and its good rows were assessed
        assertEquals("RED", app.awaitAssessment(KSI, "bad-csv-ward", "2017").get("rating").asText());
        assertEquals("GREEN", app.awaitAssessment("needles-collected", "bad-csv-ward", "2017").get("rating").asText());

        // and a good file after it is taken and filed as done
        app.drop("good-after-bad.csv", Readings.csv(Readings.csvRow(KSI, "after-bad-csv-ward", "2017", "30")));
        assertEquals("GREEN", app.awaitAssessment(KSI, "after-bad-csv-ward", "2017").get("rating").asText());
        await("good-after-bad.csv in inbox/done").atMost(PATIENCE)
                .until(() -> Files.exists(app.inbox().resolve("done/good-after-bad.csv")));
    }

    // ---- the readings queue

    static Stream<Arguments> badMessages() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"indicator\":\"ksi-casualties\",\"value\":7",
                        "malformed JSON"),
                Arguments.of("an unknown indicator", Readings.json("burglary-rate", "dlq-ward", "2017", "12"),
                        "unknown indicator \"burglary-rate\""),
                Arguments.of("a percentage of 140", Readings.json("asb-satisfaction", "dlq-ward", "2017-Q4", "140"),
                        "a percentage must be between 0 and 100, got 140"),
                Arguments.of("a negative count", Readings.json(KSI, "dlq-ward", "2016", "-3"),
                        "a count value cannot be negative, got -3"),
                Arguments.of("an unknown period notation", Readings.json(KSI, "dlq-ward", "2014-M3", "52"),
                        "\"2014-M3\" is not a period notation"));
    }

    @ParameterizedTest(name = "{0} on the queue goes to the dead-letter queue with its reason, and good readings still go through")
    @MethodSource("badMessages")
    void a_bad_message_on_the_queue_goes_to_the_dead_letter_queue_with_its_reason(String what, String body,
                                                                                   String reason) throws Exception {
        // given a partner's JMS client
        // when it sends a bad message to the readings queue
        app.sendToReadingsQueue(body);

        // then the message lands on the dead-letter queue, unchanged, with the reason in TargetwatchReason
        String deadLetterReason = app.awaitDeadLetterReason(body);
        assertTrue(deadLetterReason.contains(reason), deadLetterReason);

        // and a good reading sent after it is still assessed
        String area = "after-" + what.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        app.sendToReadingsQueue(Readings.json(KSI, area, "2017", "30"));
        assertEquals("GREEN", app.awaitAssessment(KSI, area, "2017").get("rating").asText());
    }

    // ---- HTTP

    @Test
    void posting_a_batch_with_bad_items_answers_400_with_a_reason_per_item_and_takes_none_of_it() throws Exception {
        // given a batch of one good reading, an unknown indicator and a percentage of 140
        String body = "[" + Readings.json(KSI, "http-400-ward", "2017", "70") + ","
                + Readings.json("burglary-rate", "http-400-ward", "2017", "12") + ","
                + Readings.json("asb-satisfaction", "http-400-ward", "2017-Q4", "140") + "]";

        // when a lead posts it
        HttpResponse<String> response = app.postReadings("lead", body);

        // then it is refused with one reason per bad item, by position
        assertEquals(400, response.statusCode(), response.body());
        JsonNode details = RunningTargetwatch.json(response).get("details");
        assertEquals(2, details.size(), details.toString());
        assertAll(
                () -> assertEquals(2, details.get(0).get("item").asInt()),
                () -> assertTrue(details.get(0).get("reason").asText().contains("unknown indicator \"burglary-rate\""),
                        details.toString()),
                () -> assertEquals(3, details.get(1).get("item").asInt()),
                () -> assertTrue(details.get(1).get("reason").asText().contains("a percentage must be between 0 and 100, got 140"),
                        details.toString()));

        // and not even the good item was taken
        assertTrue(app.assessment(KSI, "http-400-ward", "2017").isEmpty());

        assertStillTakesAGoodReadingOverHttp("after-http-400-ward");
    }

    @Test
    void posting_a_body_larger_than_1_mib_is_refused_with_413() throws Exception {
        // given a JSON body just over the 1 MiB limit
        String note = "x".repeat(1024 * 1024);
        String body = "{\"indicator\":\"ksi-casualties\",\"area\":\"http-413-ward\",\"period\":\"2017\",\"value\":70,"
                + "\"source\":\"kfrs\",\"note\":\"" + note + "\"}";

        // when a lead posts it
        HttpResponse<String> response = app.send(app.request("/api/readings")
                .header("Authorization", app.basicAuth("lead")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        // then it is refused as too large
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(app.assessment(KSI, "http-413-ward", "2017").isEmpty());

        assertStillTakesAGoodReadingOverHttp("after-http-413-ward");
    }

    @Test
    void posting_readings_as_text_plain_is_refused_with_415() throws Exception {
        // when a lead posts a good reading labelled as plain text
        HttpResponse<String> response = app.send(app.request("/api/readings")
                .header("Authorization", app.basicAuth("lead")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Readings.json(KSI, "http-415-ward", "2017", "70"))).build());

        // then it is refused with the reason, and not taken
        assertEquals(415, response.statusCode(), response.body());
        assertTrue(RunningTargetwatch.json(response).get("error").asText().contains("application/json"), response.body());
        assertTrue(app.assessment(KSI, "http-415-ward", "2017").isEmpty());

        assertStillTakesAGoodReadingOverHttp("after-http-415-ward");
    }

    @Test
    void posting_readings_without_credentials_is_refused_with_401() throws Exception {
        // when a good reading is posted with no Authorization header
        HttpResponse<String> response = app.send(app.request("/api/readings").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Readings.json(KSI, "http-401-ward", "2017", "70"))).build());

        // then it is refused with a Basic challenge, and not taken
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), response.headers().toString());
        assertTrue(app.assessment(KSI, "http-401-ward", "2017").isEmpty());

        assertStillTakesAGoodReadingOverHttp("after-http-401-ward");
    }

    @Test
    void posting_readings_as_a_viewer_is_refused_with_403() throws Exception {
        // when the viewer posts a good reading
        HttpResponse<String> response = app.postReadings("viewer", Readings.json(KSI, "http-403-ward", "2017", "70"));

        // then it is refused for the role, and not taken
        assertEquals(403, response.statusCode(), response.body());
        assertTrue(RunningTargetwatch.json(response).get("error").asText().contains("lead role"), response.body());
        assertTrue(app.assessment(KSI, "http-403-ward", "2017").isEmpty());

        assertStillTakesAGoodReadingOverHttp("after-http-403-ward");
    }

    // ---- health

    @Test
    void health_says_only_up_without_credentials_and_counts_the_readings_taken_and_dead_lettered_to_a_viewer() throws Exception {
        // given the counts so far
        Map<String, Long> before = readingCounts();

        // when a good reading is posted and a bad message is sent to the queue
        assertEquals(202, app.postReadings("lead", Readings.json(KSI, "health-ward", "2017", "30")).statusCode());
        String bad = Readings.json("burglary-rate", "health-ward", "2017", "12");
        app.sendToReadingsQueue(bad);
        app.awaitDeadLetterReason(bad);

        // then health answers 200 and UP alone without credentials, and to a viewer with the broker up and both
        // counts higher
        HttpResponse<String> anonymous = app.anonymousHealth();
        assertEquals(200, anonymous.statusCode(), anonymous.body());
        assertEquals("{\"status\":\"UP\"}", anonymous.body(), "no URLs or counts without credentials");
        await("health counts taken and dead-lettered readings").atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> response = app.health();
            assertEquals(200, response.statusCode(), response.body());
            JsonNode health = RunningTargetwatch.json(response);
            assertEquals("UP", health.get("broker").get("status").asText(), response.body());
            JsonNode readings = health.get("readings");
            assertTrue(readings.get("taken").asLong() > before.get("taken"), response.body());
            assertTrue(readings.get("deadLettered").asLong() > before.get("deadLettered"), response.body());
        });
    }

    private Map<String, Long> readingCounts() throws Exception {
        HttpResponse<String> response = app.health();
        assertEquals(200, response.statusCode(), response.body());
        JsonNode readings = RunningTargetwatch.json(response).get("readings");
        return Map.of("taken", readings.get("taken").asLong(), "deadLettered", readings.get("deadLettered").asLong());
    }

    /** After a refused request, the same source still takes a good reading (30 KSI in 2017 is GREEN). */
    private void assertStillTakesAGoodReadingOverHttp(String area) throws Exception {
        HttpResponse<String> response = app.postReadings("lead", Readings.json(KSI, area, "2017", "30"));
        assertEquals(202, response.statusCode(), response.body());
        assertEquals("GREEN", app.awaitAssessment(KSI, area, "2017").get("rating").asText());
    }
}
