package targetwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.feeds.KentFile;

/**
 * {@code ./targetwatch replay 2019-01-kent-street.csv --rules samples/kent}: the one Kent-wide police file rated by each
 * of the 13 Kent partnerships with its own rule set, each taking its own district's readings and the force area's as
 * its comparator, and the output grouped under each partnership's name.
 */
class KentReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PARTNERSHIPS = new TreeSet<>(KentFile.DISTRICTS.values());

    /** Each partnership's JSON lines, in the order printed, by the partnership line that opened them. */
    private static final Map<String, List<JsonNode>> GROUPS = new LinkedHashMap<>();
    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    private static KentFile.Counts counts;
    private static int jsonStatus;
    private static String jsonErr;

    @BeforeAll
    static void replayTheForcesMonthOverTheKentSample() throws IOException {
        counts = KentFile.count();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        jsonStatus = cli(out, err).run("replay", KentFile.path().toString(), "--rules", KentFile.sample().toString(), "--json");
        jsonErr = err.toString(StandardCharsets.UTF_8);
        List<JsonNode> current = null;
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode n = parse(line);
            if (n.path("type").asText().equals("partnership")) {
                current = new ArrayList<>();
                GROUPS.put(n.get("partnership").asText(), current);
                NAMES.put(n.get("partnership").asText(), n.get("name").asText());
            } else if (current != null) {
                current.add(n);
            }
        }
    }

    private static EngineCli cli(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new EngineCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                RuleFolders.real().getParent());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line: " + line, e);
        }
    }

    /** The last assessment a partnership printed for an indicator and area in 2019-01: the rating it ends with. */
    private static JsonNode last(String partnership, String indicator, String area) {
        JsonNode found = null;
        for (JsonNode n : GROUPS.get(partnership)) {
            if (n.path("type").asText().equals("assessment") && n.get("indicator").asText().equals(indicator)
                    && n.get("area").asText().equals(area) && n.get("period").asText().equals("2019-01")) {
                found = n;
            }
        }
        assertTrue(found != null, partnership + " has no " + indicator + " assessment for " + area + ": " + GROUPS.get(partnership));
        return found;
    }

    private static BigDecimal number(JsonNode n, String field) {
        return n.get(field).decimalValue();
    }

    @Test
    void each_of_the_13_partnerships_is_a_group_of_its_own_named_by_its_settings() {
        assertEquals(0, jsonStatus, jsonErr);
        assertEquals(PARTNERSHIPS, GROUPS.keySet());
        assertEquals("Safer Maidstone Partnership", NAMES.get("maidstone"));
        assertEquals("Tunbridge Wells Community Safety Partnership", NAMES.get("tunbridge-wells"));
        assertEquals("Folkestone and Hythe Community Safety Partnership", NAMES.get("folkestone-and-hythe"));
        assertTrue(jsonErr.contains("52 readings taken from 1 file for 13 partnerships"), jsonErr);
    }

    @Test
    void each_partnership_rates_its_own_districts_asb_count_per_1000_scaled_from_the_one_month() {
        List<Executable> checks = new ArrayList<>();
        for (String p : PARTNERSHIPS) {
            checks.add(() -> {
                JsonNode a = last(p, "asb-incidents-per-1000", p);
                BigDecimal expectedValue = KentFile.perThousandOverOneMonth(counts.asb().get(p), KentFile.MID_2019.get(p));
                assertEquals(0, expectedValue.compareTo(number(a, "actual")), p + ": " + a);
                assertEquals(p, a.get("partnership").asText());
                // reduce-to: GREEN at or below the trajectory, AMBER within 5% above it, RED beyond
                BigDecimal actual = number(a, "actual");
                BigDecimal trajectory = number(a, "expected");
                String rating = actual.compareTo(trajectory) <= 0 ? "GREEN"
                        : actual.compareTo(trajectory.multiply(new BigDecimal("1.05"))) <= 0 ? "AMBER" : "RED";
                assertEquals(rating, a.get("rating").asText(), p + ": " + a);
            });
        }
        assertAll(checks);
    }

    @Test
    void each_partnership_compares_its_districts_crime_rate_with_the_kent_wide_one() {
        BigDecimal kent = KentFile.perThousandOverOneMonth(counts.crimesTotal(), KentFile.MID_2019.get("kent"));
        List<Executable> checks = new ArrayList<>();
        for (String p : PARTNERSHIPS) {
            checks.add(() -> {
                JsonNode a = last(p, "crimes-per-1000", p);
                BigDecimal actual = number(a, "actual");
                assertEquals(0, KentFile.perThousandOverOneMonth(counts.crimes().get(p), KentFile.MID_2019.get(p))
                        .compareTo(actual), p + ": " + a);
                assertEquals(0, kent.compareTo(number(a, "expected")), p + " compared with Kent's " + kent + ": " + a);
                // below-comparator: GREEN below Kent, AMBER within 5% above, RED beyond
                String rating = actual.compareTo(kent) < 0 ? "GREEN"
                        : actual.compareTo(kent.multiply(new BigDecimal("1.05"))) < 0 ? "AMBER" : "RED";
                assertEquals(rating, a.get("rating").asText(), p + ": " + a);
            });
        }
        assertAll(checks);
        // the sample holds both sides of the comparison (Ashford below Kent, Dartford above it)
        assertEquals("GREEN", last("ashford", "crimes-per-1000", "ashford").get("rating").asText());
        assertEquals("RED", last("dartford", "crimes-per-1000", "dartford").get("rating").asText());
    }

    @Test
    void a_partnership_sees_only_its_own_district_and_kent_and_alerts_only_its_own_contacts_for_its_own_district() {
        List<Executable> checks = new ArrayList<>();
        for (String p : PARTNERSHIPS) {
            checks.add(() -> {
                for (JsonNode n : GROUPS.get(p)) {
                    if (n.has("area")) {
                        assertEquals(p, n.get("partnership").asText(), n.toString());
                        assertTrue(Set.of(p, "kent").contains(n.get("area").asText()), p + " got " + n);
                    }
                    if (n.path("type").asText().equals("alert")) {
                        assertEquals(p, n.get("area").asText(), "Kent's own readings are quiet (areas.csv alerts=no): " + n);
                    }
                    if (n.path("type").asText().equals("noise")) {
                        assertEquals(p, n.get("partnership").asText());
                    }
                }
            });
        }
        assertAll(checks);
    }

    @Test
    void the_text_output_heads_each_partnership_and_a_reading_file_goes_to_the_partnership_it_names(@TempDir Path dir)
            throws IOException {
        // given the force's month and a reading file naming Dover, a partnership the sample lacks, and an area Dover
        // does not take
        Path readings = dir.resolve("dover.csv");
        RuleFolders.write(readings, "partnership,indicator,area,period,value,source",
                "dover,asb-incidents-per-1000,dover,2018-12,12.5,dover-council",
                "hastings,asb-incidents-per-1000,hastings,2018-12,12.5,hastings-council",
                "dover,asb-incidents-per-1000,ashford,2018-12,12.5,dover-council");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // when they are replayed as text
        int status = cli(out, err).run("replay", KentFile.path().toString(), readings.toString(), "--rules",
                KentFile.sample().toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        String reported = err.toString(StandardCharsets.UTF_8);
        // then each partnership is headed by its name, with its own district's row in its table
        assertEquals(0, status, reported);
        int maidstone = printed.indexOf("== Safer Maidstone Partnership (maidstone: ");
        int medway = printed.indexOf("== Medway Community Safety Partnership (medway: ");
        assertTrue(maidstone >= 0 && medway > maidstone, printed);
        String maidstoneGroup = printed.substring(maidstone, medway);
        assertTrue(maidstoneGroup.matches("(?s).*\\nasb\\s+asb-incidents-per-1000\\s+maidstone\\s+2019-01\\s+13\\.83\\s.*"),
                maidstoneGroup);
        assertTrue(!maidstoneGroup.contains("medway"), maidstoneGroup);
        // the force area's crime figure is listed as the comparator it is, not as a reading that changed nothing
        assertTrue(maidstoneGroup.contains("\n  crimes-per-1000  kent  2019-01  99.23  comparator  PARTIAL: "), maidstoneGroup);
        // and Dover's row went to Dover alone; the unknown partnership and the area Dover does not take are refused
        assertTrue(reported.contains("partnership \"hastings\" has no rule set folder in " + KentFile.sample()), reported);
        assertTrue(reported.contains("area \"ashford\" is not this partnership's"), reported);
        assertTrue(reported.contains("dover: 5 readings taken"), reported);
        assertTrue(reported.contains("ashford: 4 readings taken"), reported);
        assertTrue(reported.contains("53 readings taken from 2 files for 13 partnerships; 2 rejected"), reported);
    }

    @Test
    void rules_validate_over_the_root_names_the_partnership_of_each_error(@TempDir Path dir) throws IOException {
        // given a copy of the sample whose Swale targets name a lead its contacts lack
        Path root = dir.resolve("kent");
        try (var files = java.nio.file.Files.walk(KentFile.sample())) {
            for (Path p : files.toList()) {
                java.nio.file.Files.copy(p, root.resolve(KentFile.sample().relativize(p).toString()));
            }
        }
        RuleFolders.editCell(root.resolve("swale/targets.csv"), "crimes-per-1000", "lead", "lead-crimes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // when it is validated
        int status = cli(out, new ByteArrayOutputStream()).run("rules", "validate", root.toString());
        // then it is refused with the error under Swale's folder, and nothing else
        assertEquals(EngineCli.REFUSED, status);
        assertEquals("swale/targets.csv:3:lead: \"lead-crimes\" is not an id in contacts.csv\n",
                out.toString(StandardCharsets.UTF_8));
    }
}
