package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.feeds.SharedData.Collected;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

class FlytippingAdapterTest {

    private static final String WORKBOOK = "defra-flytipping/Flytipping_LA_2012-13_to_2021-22_DEFRA.xlsx";
    private static final String EXTRACT = "defra-flytipping/defra_flytipping_LA_incidents_kent_maidstone_extract.csv";

    private FeedAreas areas;
    private Collected sink;

    @BeforeEach
    void setUp() throws Exception {
        areas = SharedData.realAreas();
        sink = new Collected();
    }

    private FeedReport adapt(String sample) throws IOException {
        Path file = SharedData.file(sample);
        try (var in = SharedData.open(file)) {
            return new FlytippingAdapter().adapt(areas, file.getFileName().toString(), in, sink);
        }
    }

    /** DEFRA's own "Incidents per 1,000 people" for Maidstone by year, where it prints one, read from the CSV export. */
    private static Map<String, String> defrasOwnMaidstoneRates() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Reader r = Files.newBufferedReader(SharedData.file(EXTRACT), StandardCharsets.UTF_8);
             CSVParser p = CSVParser.parse(r, CSVFormat.DEFAULT)) {
            List<CSVRecord> rows = p.getRecords();
            List<String> header = rows.get(2).toList();
            int year = header.indexOf("Year");
            int code = header.indexOf("ONS Code");
            int rate = header.indexOf("Incidents per 1,000 people");
            for (CSVRecord rec : rows.subList(3, rows.size())) {
                if (rec.get(code).equals("E07000110") && !rec.get(rate).equals(":")) {
                    out.put(rec.get(year), rec.get(rate));
                }
            }
        }
        return out;
    }

    @Test
    void the_workbook_gives_maidstones_incidents_per_1000_equal_to_defras_own_rate_where_it_has_one() throws Exception {
        // given DEFRA's own rate for Maidstone (printed from 2019-20 on)
        Map<String, String> theirs = defrasOwnMaidstoneRates();
        // when the published workbook is read
        adapt(WORKBOOK);
        // then each of those years' readings is DEFRA's rate to two places, from population.csv's nearest estimate
        assertEquals(List.of("2019-20", "2020-21", "2021-22"), List.copyOf(theirs.keySet()));
        theirs.forEach((year, rate) -> {
            Reading r = sink.only("maidstone", year.replace('-', '/'));
            assertEquals(new BigDecimal(rate).setScale(2, RoundingMode.HALF_UP), r.value(), year);
            assertTrue(r.note().contains("(agrees)"), r.note());
        });
    }

    @Test
    void the_workbook_gives_the_maidstone_incident_counts_defra_published() throws Exception {
        FeedReport report = adapt(WORKBOOK);
        long[] published = {942, 1274, 886, 796, 973, 1041, 1634, 2402, 2952, 3418};
        for (int i = 0; i < published.length; i++) {
            assertEquals(published[i], report.count(Period.financialYear(2012 + i), "maidstone", FlytippingAdapter.INCIDENTS),
                    "20" + (12 + i));
        }
        Reading first = sink.only("maidstone", "2012/13");
        assertAll(
                () -> assertEquals(FlytippingAdapter.INDICATOR, first.indicator()),
                () -> assertEquals("defra", first.source()),
                // 942 per 1,000 of the nearest estimate in population.csv, mid-2014's 161,819
                () -> assertEquals(new BigDecimal("5.82"), first.value()),
                () -> assertTrue(first.note().contains("mid-2014 estimate"), first.note()));
    }

    @Test
    void the_csv_export_gives_the_same_readings_as_the_workbook() throws Exception {
        adapt(WORKBOOK);
        List<Reading> fromWorkbook = List.copyOf(sink.readings);
        sink.readings.clear();
        adapt(EXTRACT);
        assertEquals(fromWorkbook, sink.readings);
    }

    @Test
    void not_available_is_skipped_and_reported_and_kent_needs_every_authority() throws Exception {
        FeedReport report = adapt(EXTRACT);
        assertEquals(1, report.skipped().get(FlytippingAdapter.NOT_AVAILABLE));
        assertEquals(report.rowsRead(), report.rowsUsed() + report.rowsSkipped());
        assertTrue(report.notes().contains("kent 2018/19: no reading: 1 of 13 authorities have no figure"), report.notes().toString());
        assertTrue(sink.readings.stream().noneMatch(r -> r.area().equals("kent") && r.period().equals(Period.financialYear(2018))));
    }

    @Test
    void a_file_of_the_wrong_shape_is_refused_whole_naming_the_missing_columns() {
        String csv = "Year,LA Name,Incidents\n2019-20,Maidstone,2402\n";
        FeedRefusedException e = assertThrows(FeedRefusedException.class, () -> new FlytippingAdapter().adapt(areas, "f.csv",
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), sink));
        assertEquals(List.of("ONS Code", "Total Incidents"), e.missingColumns());
        assertTrue(sink.readings.isEmpty());
    }

    @Test
    void a_workbook_without_the_incidents_sheet_is_refused_whole() {
        FeedRefusedException e = assertThrows(FeedRefusedException.class,
                () -> adapt("stats19/dft-road-casualty-statistics-road-safety-open-dataset-data-guide-2024.xlsx"));
        assertTrue(e.getMessage().contains("no LA_incidents sheet"), e.getMessage());
    }
}
