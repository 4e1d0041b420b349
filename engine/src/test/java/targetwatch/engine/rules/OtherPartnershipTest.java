package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static targetwatch.engine.DesignFormulas.assertNumber;
import static targetwatch.engine.TestReadings.reading;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;

/**
 * Another partnership needs nothing but another rules folder: its own indicators, targets and contacts,
 * with the same kind templates. A {@code partnership} column narrows a row to one partnership.
 */
class OtherPartnershipTest {

    private static final String HEADER = "indicator,name,priority,unit,kind,polarity,frequency,baseline,baseline_date,"
            + "target,target_date,tolerance_pct,comparator_area,lead";
    private static final String CONTACTS_HEADER = "id,name,role,organisation,email";

    /** Tunbridge Wells: burglary down from 10 to 8 per 1,000 and diversions up from 100 to 150, 2013 to 2015. */
    private static CompiledRules tunbridgeWells;
    /**
     * A Kent-wide rule set: burglary with a general row and below it a stricter one for Tunbridge Wells; vehicle
     * crime the same the other way up; and youth diversion for Tunbridge Wells alone.
     */
    private static CompiledRules kentDistricts;

    @BeforeAll
    static void writeAndCompileTwoRuleSets(@TempDir Path tmp) throws Exception {
        Path tw = Files.createDirectories(tmp.resolve("tunbridge-wells"));
        RuleFolders.write(tw.resolve("targets.csv"), HEADER,
                "burglary-per-1000,Domestic burglaries per thousand households,acquisitive-crime,per-1000,reduce-to,lower,"
                        + "quarter,10,2013-12-31,8,2015-12-31,10,,lead-burglary",
                "youth-diversion,Young people diverted from the youth justice system,youth,count,increase-to,higher,"
                        + "year,100,2013-12-31,150,2015-12-31,,,lead-youth");
        RuleFolders.write(tw.resolve("contacts.csv"), CONTACTS_HEADER,
                "lead-burglary,DI Sam Example,Lead officer: burglary,Kent Police,sam.example@example.org",
                "lead-youth,Alex Example,Lead officer: youth justice,Kent County Council,alex.example@example.org");
        tunbridgeWells = new RuleCompiler().load(tw);

        Path kent = Files.createDirectories(tmp.resolve("kent-districts"));
        RuleFolders.write(kent.resolve("targets.csv"), HEADER + ",partnership",
                "burglary-per-1000,Domestic burglaries per thousand households,acquisitive-crime,per-1000,reduce-to,lower,"
                        + "quarter,10,2013-12-31,8,2015-12-31,10,,lead-burglary,",
                "burglary-per-1000,Domestic burglaries per thousand households,acquisitive-crime,per-1000,reduce-to,lower,"
                        + "quarter,10,2013-12-31,6,2015-12-31,10,,lead-burglary,tunbridge-wells",
                "youth-diversion,Young people diverted from the youth justice system,youth,count,increase-to,higher,"
                        + "year,100,2013-12-31,150,2015-12-31,,,lead-youth,tunbridge-wells",
                "vehicle-crime-per-1000,Vehicle crimes per thousand population,acquisitive-crime,per-1000,reduce-to,lower,"
                        + "quarter,10,2013-12-31,6,2015-12-31,10,,lead-burglary,tunbridge-wells",
                "vehicle-crime-per-1000,Vehicle crimes per thousand population,acquisitive-crime,per-1000,reduce-to,lower,"
                        + "quarter,10,2013-12-31,8,2015-12-31,10,,lead-burglary,");
        Files.copy(tw.resolve("contacts.csv"), kent.resolve("contacts.csv"));
        kentDistricts = new RuleCompiler().load(kent);
    }

    private static Assessment only(List<Assessment> changed) {
        assertEquals(1, changed.size(), "exactly one assessment changed: " + changed);
        return changed.get(0);
    }

    private static Assessment rate(CompiledRules rules, Reading r) throws InvalidReadingException {
        try (RuleEngine engine = new RuleEngine(rules)) {
            return only(engine.submit(r));
        }
    }

    @Test
    void another_partnerships_reduce_to_target_is_rated_on_its_own_trajectory_and_tolerance() throws Exception {
        // given half-way from 10 to 8 (2014 is 365 of 730 days) with a 10% tolerance
        Assessment onTrajectory = rate(tunbridgeWells, reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "9"));
        Assessment justAbove = rate(tunbridgeWells, reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "9.01"));
        Assessment atTolerance = rate(tunbridgeWells, reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "9.9"));
        Assessment beyond = rate(tunbridgeWells, reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "9.91"));
        // then
        assertNumber("9", onTrajectory.expected());
        assertEquals("tunbridge-wells", onTrajectory.partnership());
        assertEquals(2, onTrajectory.targetRow());
        assertEquals(Rating.GREEN, onTrajectory.rating());
        assertEquals(Rating.AMBER, justAbove.rating());
        assertEquals(Rating.AMBER, atTolerance.rating());
        assertEquals(Rating.RED, beyond.rating());
    }

    @Test
    void another_partnerships_increase_to_count_uses_the_default_tolerance() throws Exception {
        // given half-way from 100 to 150 is 125; 5% below it is 118.75
        Reading onTrajectory = reading("tunbridge-wells", "youth-diversion", "tunbridge-wells", "2014", "125");
        // then
        assertEquals(Rating.GREEN, rate(tunbridgeWells, onTrajectory).rating());
        assertNumber("125", rate(tunbridgeWells, onTrajectory).expected());
        assertEquals(Rating.AMBER, rate(tunbridgeWells, reading("tunbridge-wells", "youth-diversion", "tunbridge-wells", "2014", "124")).rating());
        assertEquals(Rating.AMBER, rate(tunbridgeWells, reading("tunbridge-wells", "youth-diversion", "tunbridge-wells", "2014", "119")).rating());
        assertEquals(Rating.RED, rate(tunbridgeWells, reading("tunbridge-wells", "youth-diversion", "tunbridge-wells", "2014", "118")).rating());
    }

    @Test
    void another_partnerships_rule_set_has_its_own_contacts_and_none_of_maidstones_indicators() {
        try (RuleEngine engine = new RuleEngine(tunbridgeWells)) {
            assertEquals("lead-burglary", engine.ruleSet().targetFor("tunbridge-wells", "burglary-per-1000").orElseThrow().lead());
            assertEquals("sam.example@example.org", engine.ruleSet().contact("lead-burglary").orElseThrow().email());
            Reading ksi = reading("maidstone", "ksi-casualties", "maidstone", "2014", "52");
            assertEquals(List.of("unknown indicator \"ksi-casualties\": the rule set has no target for it"), engine.problemsWith(ksi));
            assertThrows(InvalidReadingException.class, () -> engine.submit(ksi));
        }
    }

    @Test
    void a_general_row_rates_every_partnership_separately() throws Exception {
        try (RuleEngine engine = new RuleEngine(tunbridgeWells)) {
            // given Tunbridge Wells' third quarter
            engine.submit(reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q3", "12"));
            // when Sevenoaks reports its fourth quarter under the same general row
            Assessment sevenoaks = only(engine.submit(reading("sevenoaks", "burglary-per-1000", "sevenoaks", "2014-Q4", "9")));
            // then it is rated on its own, with no previous period borrowed from Tunbridge Wells
            assertEquals("sevenoaks", sevenoaks.partnership());
            assertEquals(Rating.GREEN, sevenoaks.rating());
            assertEquals(Direction.NONE, sevenoaks.direction());
            assertEquals(2, engine.assessments().size());
        }
    }

    @Test
    void a_row_narrowed_to_a_partnership_rates_that_partnership_alone() throws Exception {
        // given Tunbridge Wells' own target of 6, half-way at 8 with 10% tolerance
        Reading r = reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "8.5");
        // when
        Assessment a = rate(kentDistricts, r);
        // then it was rated once, by its own row
        assertEquals(3, a.targetRow());
        assertNumber("8", a.expected());
        assertEquals(Rating.AMBER, a.rating());
    }

    @Test
    void a_narrowed_row_above_the_general_row_rates_its_partnership_alone_and_the_general_row_the_others() throws Exception {
        Assessment tw = rate(kentDistricts, reading("tunbridge-wells", "vehicle-crime-per-1000", "tunbridge-wells", "2014-Q4", "8.5"));
        Assessment sevenoaks = rate(kentDistricts, reading("sevenoaks", "vehicle-crime-per-1000", "sevenoaks", "2014-Q4", "8.5"));
        assertEquals(5, tw.targetRow());
        assertNumber("8", tw.expected());
        assertEquals(Rating.AMBER, tw.rating());
        assertEquals(6, sevenoaks.targetRow());
        assertNumber("9", sevenoaks.expected());
        assertEquals(Rating.GREEN, sevenoaks.rating());
    }

    @Test
    void the_general_row_still_rates_the_other_partnerships() throws Exception {
        // given the general target of 8, half-way at 9
        Assessment a = rate(kentDistricts, reading("sevenoaks", "burglary-per-1000", "sevenoaks", "2014-Q4", "8.5"));
        // then
        assertEquals(2, a.targetRow());
        assertNumber("9", a.expected());
        assertEquals(Rating.GREEN, a.rating());
    }

    @Test
    void the_same_value_is_rated_differently_for_the_narrowed_and_the_general_partnership() throws Exception {
        try (RuleEngine engine = new RuleEngine(kentDistricts)) {
            Assessment tw = only(engine.submit(reading("tunbridge-wells", "burglary-per-1000", "tunbridge-wells", "2014-Q4", "9.5")));
            Assessment sevenoaks = only(engine.submit(reading("sevenoaks", "burglary-per-1000", "sevenoaks", "2014-Q4", "9.5")));
            assertEquals(Rating.RED, tw.rating());
            assertEquals(Rating.AMBER, sevenoaks.rating());
        }
    }

    @Test
    void an_indicator_narrowed_to_one_partnership_is_refused_for_the_others() {
        try (RuleEngine engine = new RuleEngine(kentDistricts)) {
            Reading sevenoaks = reading("sevenoaks", "youth-diversion", "sevenoaks", "2014", "120");
            assertEquals(List.of("indicator \"youth-diversion\" has no target for partnership \"sevenoaks\""),
                    engine.problemsWith(sevenoaks));
            assertThrows(InvalidReadingException.class, () -> engine.submit(sevenoaks));
            assertEquals(List.of(), engine.problemsWith(reading("tunbridge-wells", "youth-diversion", "tunbridge-wells", "2014", "120")));
        }
    }
}
