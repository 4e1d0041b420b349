package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.cli.EngineCli;

/** {@code ./targetwatch replay} over a folder of published feed files, through the real rule set. */
class FeedReplayTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int replay(String... args) {
        EngineCli cli = new EngineCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), RuleFolders.real().getParent());
        return cli.run(args);
    }

    @Test
    void replaying_the_kent_street_level_folder_prints_each_months_asb_reading_and_rating() {
        // given the Kent street-level folder as published
        Path kent = SharedData.folder().resolve("police-street/kent");
        // when it is replayed through the real rule set
        int status = replay("replay", kent.toString(), "--rules", RuleFolders.real().toString());
        // then every month from 2018-10 to 2019-02 has a rated Maidstone ASB reading, and Kent has 2019-01
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        for (String line : List.of("asb-incidents-per-1000  maidstone  2018-10  18.02  GREEN",
                "asb-incidents-per-1000  maidstone  2019-01  15.66  GREEN",
                "asb-incidents-per-1000  maidstone  2019-02  15.73  GREEN",
                "asb-incidents-per-1000  kent  2019-01  13.75  GREEN")) {
            assertTrue(printed.contains(line), "missing \"" + line + "\" in\n" + printed);
        }
        String reports = err.toString(StandardCharsets.UTF_8);
        assertTrue(reports.contains("2019-01-kent-street.csv (a data.police.uk street-level CSV): 17,792 rows read, 17,513 used;"
                + " skipped: 22 in LSOAs outside the area, 257 with no location (no LSOA)"), reports);
        assertTrue(reports.contains("2019-01-kent-street.csv [####################] 100% 17,792 rows"), "a progress line");
    }

    @Test
    void a_feed_file_of_the_wrong_shape_is_reported_and_the_rest_still_count() {
        // given a DfT workbook that is not DEFRA's, and the DEFRA extract
        int status = replay("replay", SharedData.file("stats19/dft-road-casualty-statistics-road-safety-open-dataset-data-guide-2024.xlsx")
                .toString(), SharedData.file("defra-flytipping/defra_flytipping_LA_incidents_kent_maidstone_extract.csv").toString(),
                "--rules", RuleFolders.real().toString());
        assertEquals(0, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("refused whole: the workbook has no LA_incidents sheet"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("flytipping-incidents-per-1000  maidstone  2021/22  19.34  RED"));
    }
}
