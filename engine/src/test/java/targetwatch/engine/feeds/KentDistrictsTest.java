package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.feeds.SharedData.Collected;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/**
 * The Kent sample's feed set-up ({@code samples/kent/areas.csv} and {@code population.csv}, shared by its 13
 * partnerships) over the whole force's month as published: each district's ASB count is a plain count of the file's
 * rows by the district its LSOA name starts with, and the force's is their sum.
 */
class KentDistrictsTest {

    private static final Path FORCE_2019_01 = KentFile.path();
    private static final Period JANUARY = Period.month(2019, 1);
    private static final Map<String, Long> MID_2019 = KentFile.MID_2019;

    private static Map<String, Long> asbByDistrict;
    private static Map<String, Long> crimesByDistrict;
    private static long located;
    private static long noLocation;
    private static FeedReport report;
    private static Collected made;

    @BeforeAll
    static void readTheForcesMonthTwice() throws Exception {
        KentFile.Counts counts = KentFile.count();
        asbByDistrict = counts.asb();
        crimesByDistrict = counts.crimes();
        located = counts.located();
        noLocation = counts.noLocation();
        // and by the adapter, with the sample's shared areas and populations, making both indicators
        made = new Collected();
        try (var in = SharedData.open(FORCE_2019_01)) {
            report = new PoliceStreetAdapter(true).adapt(FeedAreas.load(KentFile.sample()), "2019-01-kent-street.csv", in,
                    made, FeedProgress.NONE);
        }
    }

    @Test
    void each_of_the_13_districts_asb_count_equals_the_files_asb_rows_whose_lsoa_name_starts_with_it() {
        assertEquals(13, asbByDistrict.size(), "every district has ASB rows in the month: " + asbByDistrict);
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        asbByDistrict.forEach((district, n) -> checks.add(() -> assertEquals(n,
                report.count(JANUARY, district, PoliceStreetAdapter.ASB), district)));
        assertAll(checks);
        // the hand count of Folkestone and Hythe, whose LSOAs the file names Shepway
        assertEquals(112, asbByDistrict.get("folkestone-and-hythe"));
    }

    @Test
    void the_force_areas_asb_figure_is_the_sum_of_the_13_and_is_what_the_kent_reading_is_made_of() {
        long sum = asbByDistrict.values().stream().mapToLong(Long::longValue).sum();
        Reading kent = only(PoliceStreetAdapter.INDICATOR, "kent");
        assertAll(
                () -> assertEquals(2131, sum),
                () -> assertTrue(kent.note().contains(FeedReport.number(sum) + " ASB incidents"), kent.note()),
                () -> assertTrue(kent.note().contains("sum of 13 authorities"), kent.note()),
                () -> assertSameNumber(KentFile.perThousandOverOneMonth(sum, MID_2019.get("kent")), kent.value(), "kent"));
    }

    @Test
    void each_district_gets_its_own_asb_reading_its_count_scaled_from_one_month_per_1000_of_its_population() {
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        asbByDistrict.forEach((district, n) -> checks.add(() -> assertSameNumber(
                KentFile.perThousandOverOneMonth(n, MID_2019.get(district)), only(PoliceStreetAdapter.INDICATOR, district).value(),
                district)));
        assertAll(checks);
        assertEquals(14, made.readings.stream().filter(r -> r.indicator().equals(PoliceStreetAdapter.INDICATOR)).count());
    }

    @Test
    void the_crimes_reading_counts_every_other_row_of_each_district_and_of_the_force() {
        long sum = crimesByDistrict.values().stream().mapToLong(Long::longValue).sum();
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        crimesByDistrict.forEach((district, n) -> checks.add(() -> assertSameNumber(
                KentFile.perThousandOverOneMonth(n, MID_2019.get(district)), only(PoliceStreetAdapter.CRIMES, district).value(),
                district)));
        checks.add(() -> assertSameNumber(KentFile.perThousandOverOneMonth(sum, MID_2019.get("kent")),
                only(PoliceStreetAdapter.CRIMES, "kent").value(), "kent"));
        checks.add(() -> assertEquals(15_382, sum));
        assertAll(checks);
    }

    @Test
    void rows_outside_the_13_and_rows_with_no_location_are_reported_not_used() {
        long outside = report.rowsRead() - located - noLocation;
        assertAll(
                () -> assertEquals(report.rowsRead() - noLocation - outside, report.rowsUsed()),
                () -> assertEquals(noLocation, report.skipped().get(PoliceStreetAdapter.NO_LOCATION)),
                () -> assertEquals(outside, report.skipped().get(PoliceStreetAdapter.OUTSIDE)),
                () -> assertEquals(22, outside),
                () -> assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("outside the area (by LSOA name): ")
                        && n.contains("Bexley 15") && n.contains("Bromley 4")), report.notes().toString()),
                () -> assertTrue(report.notes().stream().noneMatch(n -> n.contains("Shepway")), report.notes().toString()));
    }

    @Test
    void the_default_adapter_makes_asb_readings_only() throws IOException, FeedSetupException {
        Collected asbOnly = new Collected();
        try (var in = SharedData.open(FORCE_2019_01)) {
            new PoliceStreetAdapter().adapt(FeedAreas.load(KentFile.sample()), "f.csv", in, asbOnly, FeedProgress.NONE);
        }
        assertEquals(List.of(PoliceStreetAdapter.INDICATOR),
                asbOnly.readings.stream().map(Reading::indicator).distinct().toList());
    }

    @Test
    void without_its_former_name_folkestone_and_hythes_lsoas_fall_outside_the_area(@TempDir Path tmp) throws Exception {
        // given the sample's areas.csv without also_known_as=Shepway (its populations carry only today's name)
        Path copy = Files.createDirectories(tmp.resolve("kent"));
        Files.copy(KentFile.sample().resolve(FeedAreas.POPULATION), copy.resolve(FeedAreas.POPULATION));
        Files.writeString(copy.resolve(FeedAreas.AREAS),
                Files.readString(KentFile.sample().resolve(FeedAreas.AREAS)).replace(",Shepway", ","));
        FeedReport without;
        Collected readings = new Collected();
        try (var in = SharedData.open(FORCE_2019_01)) {
            without = new PoliceStreetAdapter().adapt(FeedAreas.load(copy), "f.csv", in, readings, FeedProgress.NONE);
        }
        // then Shepway's rows are outside the area and Kent has no reading (one of its 13 is not covered)
        long shepway = SharedData.countRows(FORCE_2019_01, r -> r.get("LSOA name").startsWith("Shepway "));
        assertEquals(22 + shepway, without.skipped().get(PoliceStreetAdapter.OUTSIDE));
        assertTrue(without.notes().stream().anyMatch(n -> n.contains("Shepway " + FeedReport.number(shepway))),
                without.notes().toString());
        assertTrue(readings.readings.stream().noneMatch(r -> r.area().equals("kent") || r.area().equals("folkestone-and-hythe")),
                readings.readings.toString());
    }

    private static Reading only(String indicator, String area) {
        List<Reading> found = made.readings.stream()
                .filter(r -> r.indicator().equals(indicator) && r.area().equals(area) && r.period().equals(JANUARY)).toList();
        assertEquals(1, found.size(), indicator + " " + area + ": " + found);
        return found.get(0);
    }

    /** The same number, whatever its scale (a reading keeps no trailing zeros). */
    private static void assertSameNumber(BigDecimal expected, BigDecimal actual, String what) {
        assertEquals(0, expected.compareTo(actual), what + ": expected " + expected + ", got " + actual);
    }
}
