package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.feeds.SharedData.Collected;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

class PoliceStreetAdapterTest {

    private static final String KENT = "police-street/kent/";
    private static final String FORCE_2019_01 = KENT + "2019-01-kent-street.csv";
    /** The population.csv estimate nearest to these months: mid-2019. */
    private static final long MAIDSTONE_MID_2019 = 171_826;
    private static final long KENT_MID_2019 = 1_860_111;

    private FeedAreas areas;
    private PoliceStreetAdapter adapter;
    private Collected sink;

    @BeforeEach
    void setUp() throws Exception {
        areas = SharedData.realAreas();
        adapter = new PoliceStreetAdapter();
        sink = new Collected();
    }

    private FeedReport adapt(String sample) throws IOException {
        Path file = SharedData.file(sample);
        try (var in = SharedData.open(file)) {
            return adapter.adapt(areas, file.getFileName().toString(), in, sink, FeedProgress.NONE);
        }
    }

    /** How the tests count: rows whose LSOA name starts with "Maidstone " and whose Crime type is ASB, by header name. */
    private static boolean maidstoneAsb(CSVRecord r) {
        return r.get("LSOA name").startsWith("Maidstone ") && r.get("Crime type").equals("Anti-social behaviour");
    }

    @ParameterizedTest(name = "{0}: {2} Maidstone ASB incidents")
    @CsvSource({
            "2018-10-kent-street_maidstone-lsoas.csv, 2018-10, 258",
            "2018-11-kent-street_maidstone-lsoas.csv, 2018-11, 197",
            "2018-12-kent-street_maidstone-lsoas.csv, 2018-12, 244",
            "2019-01-kent-street_maidstone-lsoas.csv, 2019-01, 198",
            "2019-01-kent-street.csv, 2019-01, 198",
            "2019-02-kent-street_maidstone-lsoas.csv, 2019-02, 229"})
    void each_months_maidstone_asb_count_equals_the_asb_rows_of_maidstone_lsoas_in_the_file(String file, String month,
                                                                                           long published) throws Exception {
        // given the file as published, counted independently: a plain CSV pass counting the rows whose
        // LSOA name starts with "Maidstone " and whose Crime type is "Anti-social behaviour"
        long counted = SharedData.countRows(SharedData.file(KENT + file), PoliceStreetAdapterTest::maidstoneAsb);
        // when the adapter reads it
        FeedReport report = adapt(KENT + file);
        // then its Maidstone ASB count for the month is that count (and the figure counted once by hand)
        assertEquals(counted, report.count(Period.parse(month), "maidstone", PoliceStreetAdapter.ASB));
        assertEquals(published, counted);
    }

    @Test
    void the_rate_is_the_rolling_count_per_1000_of_the_nearest_population_estimate_scaled_while_partial() throws Exception {
        // given the four months 2018-10 to 2019-01, read one file at a time
        long counted = 0;
        for (String f : List.of("2018-10-kent-street_maidstone-lsoas.csv", "2018-11-kent-street_maidstone-lsoas.csv",
                "2018-12-kent-street_maidstone-lsoas.csv", "2019-01-kent-street_maidstone-lsoas.csv")) {
            adapt(KENT + f);
            counted += SharedData.countRows(SharedData.file(KENT + f), PoliceStreetAdapterTest::maidstoneAsb);
        }
        long sum = counted;
        // then 2019-01's reading is the 4 months' count scaled to 12, per 1,000 of Maidstone's mid-2019 171,826
        Reading r = sink.last("maidstone", "2019-01");
        BigDecimal expected = BigDecimal.valueOf(sum * 12 * 1000).divide(BigDecimal.valueOf(4L * MAIDSTONE_MID_2019), 2,
                RoundingMode.HALF_UP);
        assertAll(
                () -> assertEquals(897, sum),
                () -> assertEquals(0, expected.compareTo(r.value()), "value " + r.value()),
                () -> assertEquals(new BigDecimal("15.66"), r.value()),
                () -> assertEquals(PoliceStreetAdapter.INDICATOR, r.indicator()),
                () -> assertEquals("kent-police", r.source()),
                () -> assertTrue(r.note().startsWith("PARTIAL: "), r.note()),
                () -> assertTrue(r.note().contains("4 of the 12 months to 2019-01 (2018-10 to 2019-01)"), r.note()),
                () -> assertTrue(r.note().contains("population 171,826 (mid-2019 estimate)"), r.note()));
    }

    @Test
    void a_full_twelve_months_is_not_scaled_and_not_flagged() throws Exception {
        // given the same Maidstone month file read as twelve consecutive months (each a re-dated copy in memory)
        Path file = SharedData.file(KENT + "2018-10-kent-street_maidstone-lsoas.csv");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Period month = Period.month(2018, 1);
        for (int i = 0; i < 12; i++) {
            String copy = text.replace(",2018-10,", "," + month + ",");
            adapter.adapt(areas, month + ".csv", new ByteArrayInputStream(copy.getBytes(StandardCharsets.UTF_8)), sink,
                    FeedProgress.NONE);
            month = month.next();
        }
        // then 2018-12's figure is the 12 months' count per 1,000, as it is
        Reading r = sink.last("maidstone", "2018-12");
        BigDecimal expected = BigDecimal.valueOf(258L * 12 * 1000).divide(BigDecimal.valueOf(MAIDSTONE_MID_2019), 2,
                RoundingMode.HALF_UP);
        assertEquals(expected, r.value());
        assertFalse(r.note().contains("PARTIAL"), r.note());
        assertTrue(r.note().contains("in the 12 months to 2018-12"), r.note());
    }

    @Test
    void unlocated_and_out_of_area_rows_of_the_whole_force_are_counted_and_reported() throws Exception {
        // given the whole force's month, counted independently
        Path file = SharedData.file(FORCE_2019_01);
        long noLocation = SharedData.countRows(file, r -> r.get("LSOA code").isEmpty());
        Set<String> kentNames = Set.of("Ashford", "Canterbury", "Dartford", "Dover", "Shepway", "Gravesham", "Maidstone",
                "Medway", "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells");
        long outside = SharedData.countRows(file, r -> !r.get("LSOA code").isEmpty()
                && !kentNames.contains(r.get("LSOA name").substring(0, r.get("LSOA name").lastIndexOf(' '))));
        long rows = SharedData.countRows(file, r -> true);
        // when the adapter reads it
        FeedReport report = adapt(FORCE_2019_01);
        // then every row is accounted for: used, without a location, or outside the area
        assertAll(
                () -> assertEquals(257, noLocation),
                () -> assertEquals(22, outside),
                () -> assertEquals(rows, report.rowsRead()),
                () -> assertEquals(noLocation, report.skipped().get(PoliceStreetAdapter.NO_LOCATION)),
                () -> assertEquals(outside, report.skipped().get(PoliceStreetAdapter.OUTSIDE)),
                () -> assertEquals(rows - noLocation - outside, report.rowsUsed()),
                () -> assertTrue(report.notes().stream().anyMatch(n -> n.contains("Bexley 15")), report.notes().toString()),
                () -> assertTrue(report.notes().stream().anyMatch(n -> n.contains("257 rows with no location")),
                        report.notes().toString()));
    }

    @Test
    void the_kent_wide_figure_is_every_asb_incident_located_in_the_thirteen_authorities() throws Exception {
        // given the whole force's month: ASB rows located in an LSOA of Kent or Medway (Shepway is today's
        // Folkestone and Hythe), counted independently
        Set<String> kentNames = Set.of("Ashford", "Canterbury", "Dartford", "Dover", "Shepway", "Gravesham", "Maidstone",
                "Medway", "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells");
        long kentAsb = SharedData.countRows(SharedData.file(FORCE_2019_01), r -> !r.get("LSOA name").isEmpty()
                && r.get("Crime type").equals("Anti-social behaviour")
                && kentNames.contains(r.get("LSOA name").substring(0, r.get("LSOA name").lastIndexOf(' '))));
        // when it is read
        adapt(FORCE_2019_01);
        // then kent's reading is that count (one month so far, scaled to 12) per 1,000 of the force area
        Reading kent = sink.only("kent", "2019-01");
        BigDecimal expected = BigDecimal.valueOf(kentAsb * 12 * 1000).divide(BigDecimal.valueOf(KENT_MID_2019), 2,
                RoundingMode.HALF_UP);
        assertEquals(2131, kentAsb);
        assertEquals(expected, kent.value());
        assertTrue(kent.note().contains("sum of 13 authorities"), kent.note());
    }

    @Test
    void kent_has_no_reading_for_a_month_only_one_district_was_sent_for() throws Exception {
        // given Maidstone's rows alone for 2018-10
        adapt(KENT + "2018-10-kent-street_maidstone-lsoas.csv");
        // then Maidstone has a reading and Kent has none: its other twelve authorities are not covered
        assertEquals(List.of("maidstone"), sink.readings.stream().map(Reading::area).toList());
    }

    @Test
    void months_out_of_order_give_the_same_figures_as_months_in_order() throws Exception {
        // given the Maidstone months read in order
        List<String> files = List.of("2018-10-kent-street_maidstone-lsoas.csv", "2018-11-kent-street_maidstone-lsoas.csv",
                "2018-12-kent-street_maidstone-lsoas.csv", "2019-01-kent-street_maidstone-lsoas.csv",
                "2019-02-kent-street_maidstone-lsoas.csv");
        for (String f : files) {
            adapt(KENT + f);
        }
        BigDecimal inOrder = sink.last("maidstone", "2019-02").value();
        // when a new adapter reads them latest first
        adapter = new PoliceStreetAdapter();
        sink = new Collected();
        List<String> reversed = new ArrayList<>(files);
        java.util.Collections.reverse(reversed);
        for (String f : reversed) {
            adapt(KENT + f);
        }
        // then every later month's figure was revised as each earlier month arrived, ending where in order ended
        assertEquals(inOrder, sink.last("maidstone", "2019-02").value());
        assertEquals(5, sink.readings.stream().filter(r -> r.period().equals(Period.month(2019, 2))).count(),
                "2019-02 re-made as each earlier month came in");
    }

    @Test
    void several_months_in_one_drop_are_each_counted() throws Exception {
        // given one file holding 2018-11 and 2018-10 (later month first), as a force might re-publish
        String nov = Files.readString(SharedData.file(KENT + "2018-11-kent-street_maidstone-lsoas.csv"));
        String oct = Files.readString(SharedData.file(KENT + "2018-10-kent-street_maidstone-lsoas.csv"));
        String both = nov + oct.substring(oct.indexOf('\n') + 1);
        // when it is read
        FeedReport report = adapter.adapt(areas, "drop.csv", new ByteArrayInputStream(both.getBytes(StandardCharsets.UTF_8)),
                sink, FeedProgress.NONE);
        // then both months are counted and the readings come in month order
        assertEquals(258, report.count(Period.month(2018, 10), "maidstone", PoliceStreetAdapter.ASB));
        assertEquals(197, report.count(Period.month(2018, 11), "maidstone", PoliceStreetAdapter.ASB));
        assertEquals(List.of("2018-10", "2018-11"), sink.readings.stream().map(r -> r.period().toString()).toList());
        assertTrue(sink.last("maidstone", "2018-11").note().contains("455 ASB incidents in 2 of the 12 months"));
    }

    @Test
    void a_republished_month_replaces_the_earlier_one() throws Exception {
        // given 2018-11 and then 2018-12 as published
        adapt(KENT + "2018-11-kent-street_maidstone-lsoas.csv");
        adapt(KENT + "2018-12-kent-street_maidstone-lsoas.csv");
        // when 2018-11 is published again with only its first 100 incidents (a cut copy, made in memory)
        List<String> lines = Files.readAllLines(SharedData.file(KENT + "2018-11-kent-street_maidstone-lsoas.csv"));
        String cut = String.join("\n", lines.subList(0, 101)) + "\n";
        long asbInCut = lines.subList(1, 101).stream().filter(l -> l.contains(",Anti-social behaviour,")).count();
        adapter.adapt(areas, "2018-11-again.csv", new ByteArrayInputStream(cut.getBytes(StandardCharsets.UTF_8)), sink,
                FeedProgress.NONE);
        // then November counts what the new copy holds, not the sum of both, and December is re-made from it
        Reading dec = sink.last("maidstone", "2018-12");
        assertTrue(dec.note().contains(FeedReport.number(asbInCut + 244) + " ASB incidents in 2 of the 12 months"), dec.note());
    }

    @Test
    void an_lsoa_whose_name_is_not_a_known_authority_is_placed_by_its_code(@TempDir Path tmp) throws Exception {
        // given a rule set whose population file knows Folkestone and Hythe only by today's name, so that
        // "Shepway 001A" names fail, and an LSOA lookup that places Shepway's LSOA codes
        Path rules = RuleFolders.copyOfReal(tmp);
        Path population = rules.resolve(FeedAreas.POPULATION);
        Files.writeString(population, Files.readString(population).replace(",Shepway,", ",Folkestone and Hythe,"));
        Set<String> shepwayCodes = new LinkedHashSet<>();
        Path file = SharedData.file(FORCE_2019_01);
        SharedData.countRows(file, r -> r.get("LSOA name").startsWith("Shepway ") && shepwayCodes.add(r.get("LSOA code")));
        long shepwayRows = SharedData.countRows(file, r -> r.get("LSOA name").startsWith("Shepway "));
        FeedAreas withoutName = FeedAreas.load(rules);
        FeedReport unplaced;
        try (var in = SharedData.open(file)) {
            unplaced = new PoliceStreetAdapter().adapt(withoutName, "f.csv", in, new Collected(), FeedProgress.NONE);
        }
        StringBuilder lookup = new StringBuilder("lsoa_code,ons_code\n");
        shepwayCodes.forEach(c -> lookup.append(c).append(",E07000112\n"));
        Files.writeString(rules.resolve(FeedAreas.LSOA_LOOKUP), lookup);
        // when the force's month is read with the lookup
        FeedReport placed;
        try (var in = SharedData.open(file)) {
            placed = new PoliceStreetAdapter().adapt(FeedAreas.load(rules), "f.csv", in, new Collected(), FeedProgress.NONE);
        }
        // then Shepway's rows count for folkestone-and-hythe; without the lookup they were outside the area
        assertEquals(22 + shepwayRows, unplaced.skipped().get(PoliceStreetAdapter.OUTSIDE));
        assertEquals(22, placed.skipped().get(PoliceStreetAdapter.OUTSIDE));
        assertEquals(shepwayRows, placed.count(Period.month(2019, 1), "folkestone-and-hythe", PoliceStreetAdapter.ALL));
    }

    @Test
    void another_forces_month_is_read_and_reported_as_outside_the_area() throws Exception {
        // given the City of London's month (a format sample): its LSOAs are in London boroughs
        FeedReport report = adapt("police-street/2024-01-city-of-london-street.csv");
        // then nothing is used, everything is accounted for, and no reading is made
        assertEquals(0, report.rowsUsed());
        assertEquals(report.rowsRead(), report.rowsSkipped());
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void a_file_of_the_wrong_shape_is_refused_whole_naming_the_missing_columns() throws Exception {
        // given a STATS19 collision file sent as a police file
        FeedRefusedException e = assertThrows(FeedRefusedException.class,
                () -> adapt("stats19/dft-road-casualty-statistics-collision-2022_first1049rows.csv"));
        // then it is refused whole, naming what it lacks, and nothing was made
        assertEquals(List.of("Month", "Falls within", "LSOA code", "LSOA name", "Crime type"), e.missingColumns());
        assertTrue(e.getMessage().contains("the header lacks the columns Month, Falls within, LSOA code, LSOA name, Crime type"),
                e.getMessage());
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void the_report_counts_each_crime_type_per_authority() throws Exception {
        // given the whole force's month
        FeedReport report = adapt(FORCE_2019_01);
        // then Maidstone's burglaries are the file's burglaries in Maidstone LSOAs
        long burglaries = SharedData.countRows(SharedData.file(FORCE_2019_01),
                r -> r.get("LSOA name").startsWith("Maidstone ") && r.get("Crime type").equals("Burglary"));
        Map<String, Long> maidstone = report.counts().get(Period.month(2019, 1)).get("maidstone");
        assertEquals(burglaries, maidstone.get("Burglary"));
        assertEquals(1588, maidstone.get(PoliceStreetAdapter.ALL));
    }
}
