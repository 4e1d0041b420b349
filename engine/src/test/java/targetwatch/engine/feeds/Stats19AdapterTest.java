package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.feeds.SharedData.Collected;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

class Stats19AdapterTest {

    private static final String MAIDSTONE_2015 = "stats19/Accidents_2015_Kent_Maidstone536_partial_sample.csv";
    private static final String COLLISIONS_2022 = "stats19/dft-road-casualty-statistics-collision-2022_first1049rows.csv";
    private static final Set<String> FATAL_OR_SERIOUS = Set.of("1", "2");

    private Stats19Adapter adapter;
    private Collected sink;

    @BeforeEach
    void setUp() {
        adapter = new Stats19Adapter();
        sink = new Collected();
    }

    private FeedReport adapt(FeedAreas areas, String name, InputStream in) throws IOException {
        try (in) {
            return adapter.adapt(areas, name, in, sink, FeedProgress.NONE);
        }
    }

    private FeedReport adapt(FeedAreas areas, String sample) throws IOException {
        Path file = SharedData.file(sample);
        return adapt(areas, file.getFileName().toString(), SharedData.open(file));
    }

    /**
     * A rule set folder like the real one whose areas with readings are Westminster alone, with its ONS
     * mid-2014 population from the shared MYE2 file: the 2022 sample is all Metropolitan Police.
     */
    private static FeedAreas westminster(Path tmp) throws Exception {
        Path rules = RuleFolders.copyOfReal(tmp);
        RuleFolders.write(rules.resolve(FeedAreas.AREAS), "area,name,ons_code,dft_district,within,readings",
                "westminster,Westminster,E09000033,,,yes");
        RuleFolders.write(rules.resolve(FeedAreas.POPULATION), "ons_code,name,year,population,source",
                "E09000033,Westminster,2014,\"233,292\",ONS MYE2");
        return FeedAreas.load(rules);
    }

    @Test
    void the_2015_maidstone_sample_gives_its_fatal_and_serious_collisions_for_district_536() throws Exception {
        // given the 2015 sample (older Accident_* names, d/m/yyyy dates), counted independently: rows with
        // Local_Authority_District 536 and Accident_Severity 1 or 2
        long ksi = SharedData.countRows(SharedData.file(MAIDSTONE_2015),
                r -> r.get("Local_Authority_District").equals("536") && FATAL_OR_SERIOUS.contains(r.get("Accident_Severity")));
        // when it is read
        FeedReport report = adapt(SharedData.realAreas(), MAIDSTONE_2015);
        // then Maidstone's January 2015 KSI count is that, and the readings say they are a partial estimate
        Reading jan = sink.only("maidstone", "2015-01");
        Reading year = sink.only("maidstone", "2015");
        assertAll(
                () -> assertEquals(2, ksi),
                () -> assertEquals(ksi, report.count(Period.month(2015, 1), "maidstone", Stats19Adapter.KSI_COLLISIONS)),
                () -> assertEquals(3, report.count(Period.month(2015, 1), "maidstone", Stats19Adapter.CASUALTIES_IN_KSI_COLLISIONS)),
                () -> assertEquals(9, report.rowsUsed()),
                () -> assertEquals(Stats19Adapter.INDICATOR, jan.indicator()),
                () -> assertEquals(BigDecimal.valueOf(ksi * 12), jan.value(), "one month scaled to a year"),
                () -> assertEquals(jan.value(), year.value()),
                () -> assertTrue(year.note().startsWith("PARTIAL: STATS19: 2 fatal or serious collisions in 1 of the 12 months"),
                        year.note()),
                () -> assertTrue(year.note().contains("ESTIMATE"), year.note()),
                () -> assertTrue(report.notes().stream().anyMatch(n -> n.contains("exponent form")), report.notes().toString()));
    }

    @Test
    void the_2022_sample_is_all_london_so_maidstone_and_kent_get_nothing() throws Exception {
        FeedReport report = adapt(SharedData.realAreas(), COLLISIONS_2022);
        assertEquals(1049, report.rowsRead());
        assertEquals(1049, report.skipped().get(Stats19Adapter.OUTSIDE));
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void the_2022_sample_with_newer_names_gives_westminsters_ksi_collisions_by_ons_district(@TempDir Path tmp) throws Exception {
        // given the 2022 sample, counted independently: rows with local_authority_ons_district E09000033 and
        // accident_severity 1 or 2 (the file's numeric local_authority_district is -1 throughout)
        Path file = SharedData.file(COLLISIONS_2022);
        long ksi = SharedData.countRows(file, r -> r.get("local_authority_ons_district").equals("E09000033")
                && FATAL_OR_SERIOUS.contains(r.get("accident_severity")));
        // when it is read for Westminster
        FeedReport report = adapt(westminster(tmp), COLLISIONS_2022);
        // then the count is that
        assertEquals(11, ksi);
        assertEquals(ksi, report.count(Period.month(2022, 1), "westminster", Stats19Adapter.KSI_COLLISIONS));
        assertEquals(BigDecimal.valueOf(ksi * 12), sink.only("westminster", "2022").value());
    }

    @Test
    void a_casualty_file_after_its_collision_file_gives_the_exact_ksi_casualties(@TempDir Path tmp) throws Exception {
        // given the 2022 collisions read for Westminster
        FeedAreas areas = westminster(tmp);
        adapt(areas, COLLISIONS_2022);
        // and a casualty file (made here: the sample has none) with, for each Westminster KSI collision, one
        // serious and one slight casualty, and for the first of them a second serious one
        List<String> ksiIndexes = new ArrayList<>();
        SharedData.countRows(SharedData.file(COLLISIONS_2022), r -> r.get("local_authority_ons_district").equals("E09000033")
                && FATAL_OR_SERIOUS.contains(r.get("accident_severity")) && ksiIndexes.add(r.get("accident_index")));
        StringBuilder casualties = new StringBuilder("collision_index,collision_year,collision_ref_no,vehicle_reference,"
                + "casualty_reference,casualty_class,casualty_severity\n");
        for (String id : ksiIndexes) {
            casualties.append(id).append(",2022,x,1,1,1,2\n").append(id).append(",2022,x,1,2,2,3\n");
        }
        casualties.append(ksiIndexes.get(0)).append(",2022,x,2,3,1,2\n");
        casualties.append("2022999999999,2022,x,1,1,1,1\n");
        // when it is read
        FeedReport report = adapt(areas, "casualties-2022.csv",
                new ByteArrayInputStream(casualties.toString().getBytes(StandardCharsets.UTF_8)));
        // then the year's reading is the exact count, replacing the estimate, and the stranger is reported
        Reading year = sink.last("westminster", "2022");
        assertEquals(BigDecimal.valueOf((ksiIndexes.size() + 1) * 12L), year.value());
        assertFalse(year.note().contains("ESTIMATE"), year.note());
        assertTrue(year.note().contains("KSI casualties"), year.note());
        assertEquals(1, report.skipped().get(Stats19Adapter.NOT_PLACED));
    }

    @Test
    void a_casualty_file_before_its_years_collision_file_is_refused_whole() {
        String casualties = "accident_index,accident_year,casualty_severity\n2022010352073,2022,2\n";
        FeedRefusedException e = assertThrows(FeedRefusedException.class, () -> adapt(SharedData.realAreas(), "cas.csv",
                new ByteArrayInputStream(casualties.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("no STATS19 collision file for 2022"), e.getMessage());
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void a_file_of_the_wrong_shape_is_refused_whole_naming_the_missing_columns() throws Exception {
        // given a data.police.uk file sent as STATS19
        FeedRefusedException e = assertThrows(FeedRefusedException.class,
                () -> adapt(SharedData.realAreas(), "police-street/kent/2018-10-kent-street_maidstone-lsoas.csv"));
        assertEquals(List.of("collision_index", "collision_severity", "date"), e.missingColumns());
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void dates_are_read_in_both_published_forms() {
        assertEquals(Period.month(2015, 1), Stats19Adapter.month("9/1/2015"));
        assertEquals(Period.month(2015, 1), Stats19Adapter.month("13/01/2015"));
        assertEquals(Period.month(2022, 1), Stats19Adapter.month("05/01/2022"));
        assertEquals(Period.month(2022, 1), Stats19Adapter.month("2022-01-05"));
        assertEquals(null, Stats19Adapter.month("2015"));
    }

    @Test
    void older_and_newer_column_names_are_the_same_columns() {
        Columns older = Columns.of(List.of("\uFEFFAccident_Index", "Accident_Severity", "Local_Authority_District",
                "Pedestrian_Crossing-Human_Control"));
        assertEquals(0, older.indexOf("collision_index"));
        assertEquals(1, older.indexOf("collision_severity"));
        assertEquals(2, older.indexOf("local_authority_district"));
        assertEquals(3, older.indexOf("pedestrian_crossing_human_control"));
    }

    @Test
    void a_national_sized_year_streams_through_telling_progress_every_few_thousand_rows(@TempDir Path tmp) throws Exception {
        // given a national-sized collision year (100,000 rows, built here from the sample's rows repeated)
        List<String> lines = Files.readAllLines(SharedData.file(COLLISIONS_2022));
        Path big = tmp.resolve("big.csv");
        try (var w = Files.newBufferedWriter(big)) {
            w.write(lines.get(0));
            w.newLine();
            for (int i = 0; i < 100_000; i++) {
                w.write(lines.get(1 + i % (lines.size() - 1)));
                w.newLine();
            }
        }
        List<Long> progress = new ArrayList<>();
        FeedReport report;
        try (InputStream in = Files.newInputStream(big)) {
            report = adapter.adapt(SharedData.realAreas(), "big.csv", in, sink, progress::add);
        }
        assertEquals(100_000, report.rowsRead());
        assertEquals(100_000L, progress.get(progress.size() - 1));
        assertTrue(progress.size() >= 100_000 / FeedProgress.EVERY, "progress told every " + FeedProgress.EVERY + " rows");
    }
}
