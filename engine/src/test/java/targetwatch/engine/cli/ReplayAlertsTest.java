package targetwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.rules.Now;

/**
 * {@code ./targetwatch replay --json} with the engine's clock following the readings: alert events come out in
 * the order they happened, escalations and reminders on their own working days, and {@code --as-of} stops the
 * story on a given day.
 */
class ReplayAlertsTest {

    private static final String HEADER = "partnership,indicator,area,period,value,source,reportedAt";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int replay(String... args) {
        EngineCli cli = new EngineCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), RuleFolders.real().getParent());
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        all.addAll(List.of("--rules", RuleFolders.real().toString()));
        return cli.run(all.toArray(String[]::new));
    }

    private Path file(String name, String... rows) throws IOException {
        Path f = dir.resolve(name);
        List<String> lines = new ArrayList<>(List.of(HEADER));
        lines.addAll(List.of(rows));
        RuleFolders.write(f, lines.toArray(String[]::new));
        return f;
    }

    /** Every line printed, parsed. */
    private List<JsonNode> printed() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    nodes.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("not a JSON line: " + line, e);
                }
            }
        }
        return nodes;
    }

    private List<JsonNode> alerts() {
        return printed().stream().filter(n -> n.path("type").asText().equals("alert")).toList();
    }

    private static Instant london(String day, int hour, int minute) {
        return LocalDate.parse(day).atTime(LocalTime.of(hour, minute)).atZone(Now.ZONE).toInstant();
    }

    private static Instant at(JsonNode alert) {
        return Instant.parse(alert.path("at").asText());
    }

    private static String describe(List<JsonNode> nodes) {
        return String.join("\n", nodes.stream().map(JsonNode::toString).toList());
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_red_ksi_year_left_unacknowledged_is_raised_on_arrival_and_escalated_after_ten_working_days() throws Exception {
        // given a RED 2014 KSI figure with no reportedAt: it arrives at 09:00 on 2015-01-01 (New Year's Day)
        Path ksi = file("kfrs.csv", "maidstone,ksi-casualties,maidstone,2014,70,kfrs,");
        // when the replay runs on to the end of January with nobody acknowledging
        int status = replay(ksi.toString(), "--json", "--as-of", "2015-01-31");
        // then the lead hears of it on arrival
        assertEquals(0, status, errors());
        List<JsonNode> alerts = alerts();
        JsonNode raised = alerts.get(0);
        assertEquals("RAISED", raised.path("event").asText(), describe(alerts));
        assertEquals("lead-road-safety", raised.path("recipient").asText());
        assertEquals("RED", raised.path("severity").asText());
        assertEquals("road-safety", raised.path("priority").asText());
        assertEquals(london("2015-01-01", 9, 0), at(raised));
        // and the chair once ten working days (2 Jan to 15 Jan; the holiday does not count) have gone by with no
        // acknowledgement: due at 09:00 on the 15th (the arrival's time of day), when the replay clock stops
        JsonNode escalated = alerts.stream().filter(a -> a.path("event").asText().equals("ESCALATED")).findFirst().orElseThrow();
        assertEquals(2, escalated.path("level").asInt());
        assertEquals("smp-chair", escalated.path("recipient").asText());
        assertEquals("not acknowledged within 10 working days", escalated.path("reason").asText());
        assertEquals(london("2015-01-15", 9, 0), at(escalated));
        assertEquals(raised.path("alert").asText(), escalated.path("alert").asText(), "one alert");
        // and nothing else happened between them
        assertEquals(escalated, alerts.get(1), describe(alerts));
        assertFalse(raised.has("silenced"));
    }

    @Test
    void events_come_out_in_time_order_when_the_later_file_is_given_first() throws Exception {
        // given the 2015 KSI figure in one file and the 2014 figure in another, named in the wrong order
        Path later = file("later.csv", "maidstone,ksi-casualties,maidstone,2015,72,kfrs,");
        Path earlier = file("earlier.csv", "maidstone,ksi-casualties,maidstone,2014,70,kfrs,");
        // when they are replayed
        int status = replay(later.toString(), earlier.toString(), "--json");
        // then 2014 is assessed first, and every alert event comes at or after the one before it
        assertEquals(0, status, errors());
        List<JsonNode> all = printed();
        List<String> periods = all.stream().filter(n -> n.path("type").asText().equals("assessment"))
                .map(n -> n.path("period").asText()).toList();
        assertEquals(List.of("2014", "2015"), periods);
        List<JsonNode> alerts = alerts();
        for (int i = 1; i < alerts.size(); i++) {
            assertFalse(at(alerts.get(i)).isBefore(at(alerts.get(i - 1))), "out of order at " + i + ":\n" + describe(alerts));
        }
        assertEquals("RAISED", alerts.get(0).path("event").asText());
        assertEquals("2014", alerts.get(0).path("period").asText());
        // and the year in between is on the record: escalations and reminders fell on working days, in working hours
        List<JsonNode> between = alerts.stream().filter(a -> at(a).isAfter(london("2015-01-01", 9, 0))
                && at(a).isBefore(london("2016-01-01", 9, 0))).toList();
        assertTrue(between.size() > 2, describe(alerts));
        for (JsonNode a : between) {
            LocalDate day = at(a).atZone(Now.ZONE).toLocalDate();
            LocalTime time = at(a).atZone(Now.ZONE).toLocalTime();
            assertTrue(!time.isBefore(LocalTime.of(8, 0)) && time.isBefore(LocalTime.of(18, 0)), a.toString());
            assertTrue(day.getDayOfWeek().getValue() <= 5, a.toString());
        }
        // and the 2015 reading comes after all of them: its assessment is printed after the last of them
        int assessed2015 = indexOf(all, n -> n.path("type").asText().equals("assessment") && n.path("period").asText().equals("2015"));
        int lastBetween = all.indexOf(between.get(between.size() - 1));
        assertTrue(lastBetween < assessed2015, describe(all));
    }

    private static int indexOf(List<JsonNode> nodes, java.util.function.Predicate<JsonNode> test) {
        for (int i = 0; i < nodes.size(); i++) {
            if (test.test(nodes.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void as_of_leaves_out_later_readings_and_chases_a_quarter_that_never_came() throws Exception {
        // given repeat-victim figures for 2014-Q1 and 2014-Q3 but none for 2014-Q2 (due 45 days after it ends, as
        // targets.csv says, on Thursday 2014-08-14); the Q3 figure arrives on 2014-10-01
        Path dv = file("dv-forum.csv",
                "maidstone,da-repeat-victims,maidstone,2014-Q1,22.0,dv-forum,",
                "maidstone,da-repeat-victims,maidstone,2014-Q3,22.0,dv-forum,");
        // when the replay stops at the end of September
        int status = replay(dv.toString(), "--json", "--as-of", "2014-09-30");
        // then the Q3 figure is left out, and said to be
        assertEquals(0, status, errors());
        assertTrue(errors().contains("1 reading left out: it arrives after 2014-09-30 (--as-of)"), errors());
        assertTrue(errors().contains("1 readings taken from 1 file"), errors());
        List<JsonNode> all = printed();
        assertTrue(all.stream().noneMatch(n -> n.path("period").asText().equals("2014-Q3")), describe(all));
        // and Q2 is chased at 08:00 on its due day, with the lead, the target having no data contact
        List<JsonNode> alerts = alerts();
        JsonNode late = alerts.get(0);
        assertEquals("LATE_DATA", late.path("event").asText(), describe(alerts));
        assertEquals("2014-Q2", late.path("period").asText());
        assertEquals("lead-domestic-abuse", late.path("recipient").asText());
        assertEquals("no reading for 2014-Q2: it was due by 2014-08-14", late.path("reason").asText());
        assertEquals(london("2014-08-14", 8, 0), at(late));
        // and the clock ran on to 18:00 on the as-of day and no further
        assertTrue(alerts.size() > 1, describe(alerts));
        for (JsonNode a : alerts) {
            assertFalse(at(a).isAfter(london("2014-09-30", 18, 0)), a.toString());
            assertEquals("2014-Q2", a.path("period").asText(), a.toString());
        }
    }

    @Test
    void a_reading_with_reported_at_arrives_at_that_time() throws Exception {
        // given a RED KSI year reported at 14:30 on 10 March 2015
        Path ksi = file("kfrs.csv", "maidstone,ksi-casualties,maidstone,2014,70,kfrs,2015-03-10T14:30:00Z");
        // when it is replayed
        int status = replay(ksi.toString(), "--json");
        // then its alert is raised at that time, not on the day after the year ended
        assertEquals(0, status, errors());
        List<JsonNode> alerts = alerts();
        assertEquals(1, alerts.size(), describe(alerts));
        assertEquals("RAISED", alerts.get(0).path("event").asText());
        assertEquals(Instant.parse("2015-03-10T14:30:00Z"), at(alerts.get(0)));
    }

    @Test
    void readings_reported_out_of_file_order_are_assessed_in_the_order_they_arrived() throws Exception {
        // given a revision of 2014 listed before the first figure, but reported after it
        Path ksi = file("kfrs.csv",
                "maidstone,ksi-casualties,maidstone,2014,47,kfrs,2015-06-01T10:00:00Z",
                "maidstone,ksi-casualties,maidstone,2014,70,kfrs,2015-03-10T14:30:00Z");
        // when it is replayed
        int status = replay(ksi.toString(), "--json");
        // then the RED first figure is raised, and the GREEN revision resolves it to everyone told
        assertEquals(0, status, errors());
        List<String> events = alerts().stream().map(a -> a.path("event").asText() + " " + a.path("recipient").asText()
                + " " + a.path("at").asText()).toList();
        assertEquals("RAISED lead-road-safety 2015-03-10T14:30:00Z", events.get(0), String.join("\n", events));
        assertEquals("RESOLVED", events.get(events.size() - 1).split(" ")[0], String.join("\n", events));
        assertTrue(events.get(events.size() - 1).endsWith(" 2015-06-01T10:00:00Z"), String.join("\n", events));
    }

    @Test
    void an_as_of_that_is_not_a_date_is_a_usage_error() throws Exception {
        Path ksi = file("kfrs.csv", "maidstone,ksi-casualties,maidstone,2014,70,kfrs,");
        int status = replay(ksi.toString(), "--as-of", "30/06/2018");
        assertEquals(EngineCli.USAGE, status);
        assertTrue(errors().contains("--as-of: \"30/06/2018\" is not a date written yyyy-mm-dd"), errors());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
