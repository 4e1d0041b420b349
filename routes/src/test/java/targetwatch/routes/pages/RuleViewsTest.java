package targetwatch.routes.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.Rating;
import targetwatch.engine.ruleset.RuleSetError;

/** The words of the rules pages: a workbook's errors said of its cells, alert changes, sizes. */
class RuleViewsTest {

    private static final String TARGETS = "indicator,name,priority,unit,kind,polarity,frequency,baseline,baseline_date,target,"
            + "target_date,tolerance_pct,comparator_area,lead\nksi-casualties,KSI,road-safety,count,reduce-to,lower,year,58,"
            + "2011-09-30,40,2018-03-31,150,,lead-road-safety\n";

    @Test
    void spreadsheet_columns_are_lettered_a_to_z_then_aa() {
        assertEquals(List.of("A", "L", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"),
                List.of(0, 11, 25, 26, 27, 51, 52, 701, 702).stream().map(RuleViews::columnLetters).toList());
    }

    @Test
    void an_error_of_the_targets_read_from_a_workbook_names_the_workbook_and_its_cell() {
        List<RuleSetError> errors = List.of(
                new RuleSetError("targets.csv", 2, "tolerance_pct", "150 is not a percentage between 0 and 100"),
                new RuleSetError("targets.csv", 1, "", "missing column due_days"),
                new RuleSetError("contacts.csv", 4, "email", "is not an email address"));

        assertEquals(List.of("targets.xlsx:2:tolerance_pct: 150 is not a percentage between 0 and 100 (cell L2)",
                        "targets.xlsx:1:: missing column due_days",
                        "contacts.csv:4:email: is not an email address"),
                RuleViews.uploadErrors(errors, true, TARGETS));
        assertEquals(List.of("targets.csv:2:tolerance_pct: 150 is not a percentage between 0 and 100",
                        "targets.csv:1:: missing column due_days", "contacts.csv:4:email: is not an email address"),
                RuleViews.uploadErrors(errors, false, TARGETS), "a CSV upload's errors are as the loader says them");
    }

    @Test
    void an_alert_change_says_whether_it_opens_closes_or_changes_in_words() {
        assertEquals("Opens: Off track", RuleViews.alertChange(null, Rating.RED));
        assertEquals("Closes (was at risk)", RuleViews.alertChange(Rating.AMBER, null));
        assertEquals("Changes from at risk to off track", RuleViews.alertChange(Rating.AMBER, Rating.RED));
    }

    @Test
    void sizes_are_said_in_megabytes_to_a_tenth() {
        assertEquals(List.of("5 MB", "1 MB", "0.5 MB", "5.3 MB"), List.of(5_242_880L, 1_048_576L, 524_288L, 5_600_000L)
                .stream().map(RuleViews::megabytes).toList());
    }
}
