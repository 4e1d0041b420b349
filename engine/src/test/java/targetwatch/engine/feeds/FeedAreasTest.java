package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.feeds.FeedAreas.Area;
import targetwatch.engine.model.Period;

class FeedAreasTest {

    @Test
    void the_real_rule_set_has_maidstone_and_kent_with_readings_and_kent_is_its_thirteen_authorities() throws Exception {
        FeedAreas areas = SharedData.realAreas();
        assertEquals(List.of("maidstone", "kent"), areas.reported().stream().map(Area::slug).toList());
        Area kent = areas.area("kent").orElseThrow();
        assertEquals(13, areas.members(kent).size());
        // the force area's estimate each year is the sum of its authorities' (a check on population.csv)
        for (int year : List.of(2014, 2019, 2020, 2021)) {
            Period middleOfYear = Period.year(year);
            long sum = areas.members(kent).stream()
                    .mapToLong(a -> areas.population(a, FeedAreas.middle(middleOfYear)).orElseThrow().population()).sum();
            assertEquals(sum, areas.population(kent, FeedAreas.middle(middleOfYear)).orElseThrow().population(), "" + year);
        }
    }

    @Test
    void a_period_takes_the_estimate_whose_30_june_is_nearest_its_middle() throws Exception {
        FeedAreas areas = SharedData.realAreas();
        Area maidstone = areas.area("maidstone").orElseThrow();
        assertEquals(2014, areas.population(maidstone, FeedAreas.middle(Period.financialYear(2012))).orElseThrow().year());
        assertEquals(2019, areas.population(maidstone, FeedAreas.middle(Period.financialYear(2017))).orElseThrow().year());
        assertEquals(2019, areas.population(maidstone, FeedAreas.middle(Period.financialYear(2019))).orElseThrow().year());
        assertEquals(2020, areas.population(maidstone, FeedAreas.middle(Period.financialYear(2020))).orElseThrow().year());
        assertEquals(171_826, areas.population(maidstone, FeedAreas.middle(Period.month(2019, 1))).orElseThrow().population());
    }

    @Test
    void names_match_whatever_their_case_spacing_or_former_spelling() throws Exception {
        FeedAreas areas = SharedData.realAreas();
        assertEquals("maidstone", areas.byName("Maidstone  ").orElseThrow().slug());
        assertEquals("tonbridge-and-malling", areas.byName("tonbridge and  Malling").orElseThrow().slug());
        assertEquals("folkestone-and-hythe", areas.byName("Shepway").orElseThrow().slug(), "the 2014 estimate's spelling");
        assertEquals("maidstone", areas.byDftDistrict("536").orElseThrow().slug());
    }

    @Test
    void a_bad_cell_is_reported_with_file_row_and_column(@TempDir Path tmp) throws Exception {
        Path rules = RuleFolders.copyOfReal(tmp);
        RuleFolders.editCell(rules.resolve(FeedAreas.AREAS), "maidstone", "readings", "perhaps");
        Path population = rules.resolve(FeedAreas.POPULATION);
        Files.writeString(population, Files.readString(population).replace("E07000110,Maidstone,2014,161819",
                "E07000110,Maidstone,2014,lots"));
        FeedSetupException e = assertThrows(FeedSetupException.class, () -> FeedAreas.load(rules));
        assertTrue(e.errors().contains("areas.csv:8:readings: must be yes or no"), e.errors().toString());
        assertTrue(e.errors().contains("population.csv:8:population: \"lots\" is not a number of people such as 171826"),
                e.errors().toString());
    }

    @Test
    void a_former_name_in_also_known_as_places_lsoas_and_one_already_anothers_name_is_refused(@TempDir Path tmp)
            throws Exception {
        Path rules = RuleFolders.copyOfReal(tmp);
        RuleFolders.addColumn(rules.resolve(FeedAreas.AREAS), FeedAreas.ALSO_KNOWN_AS);
        RuleFolders.editCell(rules.resolve(FeedAreas.AREAS), "swale", FeedAreas.ALSO_KNOWN_AS, "Sittingbourne; Faversham");
        FeedAreas areas = FeedAreas.load(rules);
        assertEquals("swale", areas.byName("Faversham").orElseThrow().slug());
        assertEquals("swale", areas.byName("sittingbourne").orElseThrow().slug());

        int row = RuleFolders.editCell(rules.resolve(FeedAreas.AREAS), "dover", FeedAreas.ALSO_KNOWN_AS, "Swale");
        FeedSetupException e = assertThrows(FeedSetupException.class, () -> FeedAreas.load(rules));
        assertEquals(List.of("areas.csv:" + row + ":also_known_as: \"Swale\" is already the name of E07000113: an LSOA name"
                + " can place its incidents in one area only"), e.errors());
    }
}
