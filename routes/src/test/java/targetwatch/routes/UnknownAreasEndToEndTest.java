package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A typo in a partner's feed opens no alert to a real lead: on the real rule set (areas.csv lists maidstone and kent,
 * and nothing lets other areas in), a reading for "maidstown" is refused with its reason wherever it comes from
 * (a dropped file's row, a message on the queue, a posted batch) while the good readings beside it go through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownAreasEndToEndTest {

    private static final String KSI = "ksi-casualties";
    private static final String REASON = "unknown area \"maidstown\": neither areas.csv nor any target names it"
            + " (the areas taken are kent, maidstone)";

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        // the real rule set as it ships, with only the news window widened to the plan's years
        Path rules = SecretariatFiles.copyOfReal(data.resolve("strict-rules"));
        Files.writeString(rules.resolve("settings.csv"), "setting,value\nhistory_window_periods,600\n",
                StandardCharsets.UTF_8);
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of("targetwatch.rules", rules.toString()));
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void a_dropped_file_row_for_an_unknown_area_is_reported_with_file_row_and_reason_while_the_good_rows_go_through()
            throws Exception {
        app.drop("kfrs-ksi.csv", Readings.csv(
                Readings.csvRow(KSI, "maidstone", "2016", "44"),
                Readings.csvRow(KSI, "maidstown", "2017", "70"),
                Readings.csvRow(KSI, "kent", "2016", "510")));

        Path failed = app.inbox().resolve("failed");
        await("kfrs-ksi.csv in inbox/failed with its report").atMost(PATIENCE)
                .until(() -> Files.exists(failed.resolve("kfrs-ksi.csv.errors")));
        String report = Files.readString(failed.resolve("kfrs-ksi.csv.errors"), StandardCharsets.UTF_8);
        assertTrue(report.contains("kfrs-ksi.csv:3: " + REASON), report);
        assertEquals("44", app.awaitAssessment(KSI, "maidstone", "2016").get("actual").asText());
        assertEquals("510", app.awaitAssessment(KSI, "kent", "2016").get("actual").asText());
    }

    @Test
    void a_message_for_an_unknown_area_goes_to_the_dead_letter_queue_with_its_reason() throws Exception {
        String body = Readings.json(KSI, "maidstown", "2015", "70");
        app.sendToReadingsQueue(body);
        assertTrue(app.awaitDeadLetterReason(body).contains(REASON));

        // (another indicator than the file's: /api/status shows each series' latest period)
        app.sendToReadingsQueue(Readings.json("needles-collected", "maidstone", "2017", "900"));
        assertEquals("900", app.awaitAssessment("needles-collected", "maidstone", "2017").get("actual").asText());
    }

    @Test
    void a_posted_reading_for_an_unknown_area_is_refused_with_400_and_its_reason() throws Exception {
        HttpResponse<String> r = app.postReadings("lead", Readings.json(KSI, "maidstown", "2014", "70"));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("unknown area \\\"maidstown\\\"") || r.body().contains(REASON), r.body());
    }
}
