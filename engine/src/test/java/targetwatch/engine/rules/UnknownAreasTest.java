package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.TestReadings.maidstone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * Areas the rule set does not know: a reading for an area that neither areas.csv nor any target names is refused
 * with its reason, so that a typo in a partner's feed ("maidstown") opens no alert to a real lead; the secretariat
 * may keep an area without alerts (areas.csv {@code alerts=no}) or say what happens to unlisted areas
 * ({@code unlisted_areas} in settings.csv: refuse, quiet or rate).
 *
 * <p>The real rule set lists maidstone and kent with readings=yes and the other Kent districts with readings=no; kent
 * is also da-incidents-per-1000's comparator. da-repeat-victims is quarterly and 30 is RED; asb-incidents-per-1000
 * is monthly, 20 is GREEN, due 30 days after its month.
 */
class UnknownAreasTest {

    private static final String DA = "da-repeat-victims";
    private static final String ASB = "asb-incidents-per-1000";

    private static CompiledRules real;
    /** The real areas with maidstone-town kept quietly (alerts=no), and kent no longer listed (only a comparator). */
    private static CompiledRules withQuietArea;
    private static CompiledRules unlistedQuiet;
    private static CompiledRules unlistedRated;

    @BeforeAll
    static void compile(@TempDir Path quiet, @TempDir Path unlistedQ, @TempDir Path unlistedR, @TempDir Path plain)
            throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        real = compiler.load(RuleFolders.copyOfReal(plain));
        RuleFolders.copyOfReal(quiet);
        RuleFolders.addColumn(quiet.resolve("areas.csv"), "alerts");
        RuleFolders.removeRow(quiet.resolve("areas.csv"), "kent");
        Files.writeString(quiet.resolve("areas.csv"), "maidstone-town,Maidstone town centre,E05005000,,maidstone,yes,no\n",
                StandardOpenOption.APPEND);
        withQuietArea = compiler.load(quiet);
        RuleFolders.copyOfReal(unlistedQ);
        RuleFolders.write(unlistedQ.resolve("settings.csv"), "setting,value", "unlisted_areas,quiet");
        unlistedQuiet = compiler.load(unlistedQ);
        RuleFolders.copyOfReal(unlistedR);
        RuleFolders.write(unlistedR.resolve("settings.csv"), "setting,value", "unlisted_areas,rate");
        unlistedRated = compiler.load(unlistedR);
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(Now.ZONE).toInstant();
    }

    private static Reading redQuarter(String area) {
        return maidstone(DA, area, "2017-Q1", "30");
    }

    @Test
    void a_reading_for_an_area_nothing_names_is_refused_with_its_reason_and_leaves_nothing_behind() {
        try (RuleEngine engine = new RuleEngine(real)) {
            InvalidReadingException e = assertThrows(InvalidReadingException.class,
                    () -> engine.process(redQuarter("maidstown")));
            assertEquals("unknown area \"maidstown\": neither areas.csv nor any target names it"
                    + " (the areas taken are kent, maidstone)", e.getMessage());
            assertEquals(0, engine.readingCount());
            assertEquals(List.of(), engine.alertStates());
        }
    }

    @Test
    void the_same_reading_for_a_listed_area_is_rated_and_alerts() throws Exception {
        try (RuleEngine engine = new RuleEngine(real)) {
            Outcome o = engine.process(redQuarter("maidstone"));
            assertEquals(List.of(AlertEventType.RAISED), o.alertEvents().stream().map(AlertEvent::type).toList());
        }
    }

    @Test
    void an_area_listed_with_readings_no_is_refused_because_it_only_counts_toward_a_wider_one() {
        try (RuleEngine engine = new RuleEngine(real)) {
            InvalidReadingException e = assertThrows(InvalidReadingException.class,
                    () -> engine.process(redQuarter("ashford")));
            assertEquals("area \"ashford\" is listed in areas.csv with readings=no: its figures only count toward a"
                    + " wider area (set readings=yes to rate it)", e.getMessage());
        }
    }

    @Test
    void a_comparator_area_is_taken_though_areas_csv_does_not_list_it() throws Exception {
        try (RuleEngine engine = new RuleEngine(withQuietArea)) {
            engine.process(maidstone("da-incidents-per-1000", "kent", "2017-01", "14"));
            assertEquals(1, engine.readingCount());
            // a target that is not compared with kent is still refused for it
            assertTrue(engine.problemsWith(redQuarter("kent")).isEmpty(), "kent is a comparator of the rule set");
            assertFalse(engine.problemsWith(redQuarter("ashford")).isEmpty());
        }
    }

    @Test
    void an_area_kept_with_alerts_no_is_rated_but_opens_no_alert_and_chases_no_late_data() throws Exception {
        try (RuleEngine engine = new RuleEngine(withQuietArea)) {
            Outcome quiet = engine.process(redQuarter("maidstone-town"));
            assertEquals(Rating.RED, quiet.assessments().get(0).rating(), "rated as any area");
            assertEquals(List.of(), quiet.alertEvents());
        }
        try (RuleEngine engine = new RuleEngine(withQuietArea)) {
            engine.advanceTo(at("2017-02-10T10:00"));
            engine.process(maidstone(ASB, "maidstone-town", "2017-01", "20"));
            engine.process(maidstone(ASB, "maidstone", "2017-01", "20"));
            List<AlertEvent> events = new ArrayList<>();
            for (Instant t = at("2017-02-11T09:00"); t.isBefore(at("2017-06-01T09:00")); t = t.plusSeconds(86_400)) {
                events.addAll(engine.advanceTo(t).alertEvents());
            }
            assertTrue(events.stream().anyMatch(e -> e.type() == AlertEventType.LATE_DATA && e.area().equals("maidstone")),
                    "the listed area's late months are chased");
            assertEquals(List.of(), events.stream().filter(e -> e.area().equals("maidstone-town")).toList(),
                    "the quiet area's are not");
            assertTrue(engine.alertStates().stream().noneMatch(a -> a.area().equals("maidstone-town")));
        }
    }

    @Test
    void the_secretariat_can_keep_unlisted_areas_quietly_or_rate_them_as_listed_ones() throws Exception {
        try (RuleEngine quiet = new RuleEngine(unlistedQuiet); RuleEngine rated = new RuleEngine(unlistedRated)) {
            Outcome kept = quiet.process(redQuarter("maidstone-north-ward"));
            assertEquals(Rating.RED, kept.assessments().get(0).rating());
            assertEquals(List.of(), kept.alertEvents());
            assertEquals(List.of(AlertEventType.RAISED), quiet.process(redQuarter("maidstone")).alertEvents().stream()
                    .map(AlertEvent::type).toList(), "listed areas still alert");
            assertEquals(List.of(AlertEventType.RAISED), rated.process(redQuarter("maidstone-north-ward")).alertEvents()
                    .stream().map(AlertEvent::type).toList());
            assertThrows(InvalidReadingException.class, () -> rated.process(redQuarter("ashford")),
                    "an area listed with readings=no stays refused whatever happens to unlisted ones");
        }
    }

    @Test
    void without_areas_csv_every_area_is_taken_as_before_there_was_a_list(@TempDir Path folder) throws Exception {
        RuleFolders.copyOfReal(folder);
        Files.delete(folder.resolve("areas.csv"));
        try (RuleEngine engine = new RuleEngine(new RuleCompiler().load(folder))) {
            assertEquals(List.of(AlertEventType.RAISED), engine.process(redQuarter("any-ward")).alertEvents().stream()
                    .map(AlertEvent::type).toList());
        }
    }

    @Test
    void mistakes_in_the_area_list_or_its_setting_are_refused_naming_file_row_and_column(@TempDir Path folder,
                                                                                      @TempDir Path noList)
            throws Exception {
        RuleFolders.copyOfReal(folder);
        RuleFolders.addColumn(folder.resolve("areas.csv"), "alerts");
        int row = RuleFolders.editCell(folder.resolve("areas.csv"), "maidstone", "alerts", "sometimes");
        Files.writeString(folder.resolve("areas.csv"), "kent,Kent again,E23000099,,,yes,\n", StandardOpenOption.APPEND);
        int kentAgain = RuleFolders.rowCount(folder.resolve("areas.csv")) + 1;
        RuleFolders.write(folder.resolve("settings.csv"), "setting,value", "unlisted_areas,ignore");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(folder));
        assertEquals(List.of(new RuleSetError("settings.csv", 2, "value",
                        "\"ignore\" is not a treatment of unlisted areas: use refuse, quiet or rate"),
                new RuleSetError("areas.csv", row, "alerts", "must be yes or no, not \"sometimes\""),
                new RuleSetError("areas.csv", kentAgain, "area", "\"kent\" is already listed")), e.errors());

        RuleFolders.copyOfReal(noList);
        Files.delete(noList.resolve("areas.csv"));
        RuleFolders.write(noList.resolve("settings.csv"), "setting,value", "unlisted_areas,quiet");
        e = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(noList));
        assertEquals(List.of(new RuleSetError("settings.csv", 2, "setting", "unlisted_areas says what happens to areas"
                + " areas.csv does not list, and the rule set has no areas.csv: add it or remove this row")), e.errors());
    }
}
