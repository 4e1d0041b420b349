package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One instance started as one of several sharing the database and broker ({@code targetwatch.instance.shared}): it
 * owns no partnership until the broker hands it one's readings, takes only messages grouped by their readings'
 * partnership (the group is what keeps a partnership's readings with one instance, in order), and says on
 * {@code /api/health} which partnerships it owns.
 */
class SharedInstanceEndToEndTest {

    private static final String KSI = "ksi-casualties";

    private RunningTargetwatch app;

    @BeforeEach
    void startTargetwatch(@TempDir Path data) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty(),
                Map.of("targetwatch.instance.shared", "true", "targetwatch.instance.id", "instance-a"));
    }

    @AfterEach
    void stopTargetwatch() {
        app.close();
    }

    private JsonNode instance() throws Exception {
        return RunningTargetwatch.json(app.health()).get("instance");
    }

    @Test
    void a_shared_instance_owns_the_partnership_once_a_reading_grouped_by_it_comes_and_says_so_on_health() throws Exception {
        JsonNode before = instance();
        assertEquals("instance-a", before.get("id").asText());
        assertTrue(before.get("shared").asBoolean(), before.toString());
        assertEquals(0, before.get("owns").size(), before.toString());

        app.sendToReadingsQueue(Readings.json(KSI, "grouped-ward", "2017", "30"), "maidstone");

        assertEquals("GREEN", app.awaitAssessment(KSI, "grouped-ward", "2017").get("rating").asText());
        assertEquals(1, instance().get("owns").get("maidstone").asLong(), instance().toString());
    }

    @Test
    void a_message_without_its_partnership_as_group_or_with_another_goes_to_the_dead_letter_queue_with_the_reason()
            throws Exception {
        String ungrouped = Readings.json(KSI, "ungrouped-ward", "2017", "30");
        app.sendToReadingsQueue(ungrouped);
        String reason = app.awaitDeadLetterReason(ungrouped);
        assertTrue(reason.contains("JMSXGroupID") && reason.contains("not set"), reason);

        String misgrouped = Readings.json(KSI, "misgrouped-ward", "2017", "30");
        app.sendToReadingsQueue(misgrouped, "tunbridge-wells");
        reason = app.awaitDeadLetterReason(misgrouped);
        assertTrue(reason.contains("JMSXGroupID") && reason.contains("\"tunbridge-wells\""), reason);

        // and a reading grouped by its partnership after them is still taken
        app.sendToReadingsQueue(Readings.json(KSI, "after-ungrouped", "2017", "30"), "maidstone");
        assertEquals("GREEN", app.awaitAssessment(KSI, "after-ungrouped", "2017").get("rating").asText());
    }
}
