package targetwatch.engine.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.feeds.FeedAreas.Area;
import targetwatch.engine.feeds.FeedAreas.Estimate;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;

/**
 * DEFRA's fly-tipping incidents by local authority (the published workbook's {@code LA_incidents} sheet,
 * or its CSV export) into {@code flytipping-incidents-per-1000} readings per financial year: total
 * incidents per 1,000 residents, for each area with readings (a wider area as the sum of its members).
 * Areas are matched on the ONS code, since names carry trailing spaces and change; {@code :} means not
 * available. Where DEFRA prints its own rate, the report says whether ours agrees.
 */
public final class FlytippingAdapter {

    public static final String INDICATOR = "flytipping-incidents-per-1000";
    public static final String SOURCE = "defra";
    public static final String SHEET = "LA_incidents";
    /** The count category of the reports. */
    public static final String INCIDENTS = "incidents";
    static final String OTHER = "of other authorities";
    static final String NOT_AVAILABLE = "not available (:)";
    static final String BAD_YEAR = "with a Year that is not yyyy-yy";
    static final String BAD_NUMBER = "with Total Incidents not a whole number";
    private static final int HEADER_SEARCH_ROWS = 10;
    private static final Pattern YEAR = Pattern.compile("(\\d{4})\\s*[-/]\\s*(\\d{2})");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,9}(\\.0+)?");

    /**
     * Reads one workbook (.xlsx, recognised by its content) or CSV export and hands on a reading per
     * financial year and area.
     *
     * @throws FeedRefusedException when no row near the top is a header with the required columns
     */
    public FeedReport adapt(FeedAreas areas, String file, InputStream in, ReadingSink sink) throws IOException {
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in);
        buffered.mark(8);
        byte[] head = buffered.readNBytes(4);
        buffered.reset();
        Table table = new Table(areas, file);
        if (XlsxRows.isZip(head, head.length)) {
            boolean found;
            try {
                found = XlsxRows.read(buffered, List.of(SHEET), table::row);
            } catch (FeedRefusedException e) {
                throw new FeedRefusedException(file + ": refused whole: " + e.getMessage());
            }
            if (!found) {
                throw new FeedRefusedException(file + ": refused whole: the workbook has no " + SHEET + " sheet");
            }
        } else {
            try (CSVParser parser = FeedIo.csv(buffered)) {
                for (CSVRecord rec : parser) {
                    table.row(rec.toList());
                }
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            } catch (IllegalStateException e) {
                throw new FeedRefusedException(file + ": refused whole: unreadable CSV: " + e.getMessage());
            }
        }
        table.finish();
        return table.makeReadings(sink);
    }

    /** The rows of one file, as they stream past: first the header, then one row per authority and year. */
    private static final class Table {
        private final FeedAreas areas;
        private final FeedReport report;
        private final Map<String, Area> inPlay;
        private int rowsBefore;
        private Columns header;
        private List<String> bestCandidate = List.of();
        private int year;
        private int code;
        private int total;
        private int rate;
        private int population;
        /** year, area slug: incidents; and DEFRA's own rate and population where printed. */
        private final SortedMap<Period, Map<String, Long>> incidents = new TreeMap<>();
        private final Map<Period, Map<String, String[]>> printed = new HashMap<>();

        Table(FeedAreas areas, String file) {
            this.areas = areas;
            this.report = new FeedReport(file, FeedKind.DEFRA_FLYTIPPING);
            this.inPlay = PoliceStreetAdapter.inPlay(areas);
        }

        void row(List<String> cells) {
            if (header == null) {
                if (rowsBefore < HEADER_SEARCH_ROWS) {
                    findHeader(cells);
                }
                return;
            }
            if (cells.stream().allMatch(String::isBlank)) {
                return;
            }
            report.read();
            Period fy = financialYear(cell(cells, year));
            if (fy == null) {
                report.skip(BAD_YEAR);
                return;
            }
            Optional<Area> area = areas.byOnsCode(cell(cells, code)).filter(a -> inPlay.containsKey(a.onsCode()));
            if (area.isEmpty()) {
                report.skip(OTHER);
                return;
            }
            String n = cell(cells, total).replace(",", "");
            if (n.equals(":")) {
                report.skip(NOT_AVAILABLE);
                return;
            }
            if (!WHOLE.matcher(n).matches()) {
                report.skip(BAD_NUMBER);
                return;
            }
            report.used();
            long count = new BigDecimal(n).longValueExact();
            incidents.computeIfAbsent(fy, k -> new HashMap<>()).put(area.get().slug(), count);
            report.count(fy, area.get().slug(), INCIDENTS, count);
            printed.computeIfAbsent(fy, k -> new HashMap<>()).put(area.get().slug(),
                    new String[] {cell(cells, rate), cell(cells, population)});
        }

        private void findHeader(List<String> cells) {
            Columns c = Columns.of(cells);
            if (c.missing(FeedKind.DEFRA_FLYTIPPING.required()).isEmpty()) {
                header = c;
                year = c.indexOf("Year");
                code = c.indexOf("ONS Code");
                total = c.indexOf("Total Incidents");
                rate = c.indexOf("Incidents per 1,000 people");
                population = c.indexOf("Mid population estimates");
                return;
            }
            if (rowsBefore++ == 0 || c.missing(FeedKind.DEFRA_FLYTIPPING.required()).size()
                    < Columns.of(bestCandidate).missing(FeedKind.DEFRA_FLYTIPPING.required()).size()) {
                bestCandidate = cells;
            }
        }

        void finish() throws FeedRefusedException {
            if (header == null) {
                throw FeedRefusedException.missing(report.file(), FeedKind.DEFRA_FLYTIPPING,
                        Columns.of(bestCandidate).missing(FeedKind.DEFRA_FLYTIPPING.required()));
            }
        }

        FeedReport makeReadings(ReadingSink sink) {
            List<Reading> out = new ArrayList<>();
            for (Map.Entry<Period, Map<String, Long>> e : incidents.entrySet()) {
                Period fy = e.getKey();
                for (Area area : areas.reported()) {
                    List<String> parts = PoliceStreetAdapter.parts(areas, area);
                    long sum = 0;
                    int missing = 0;
                    for (String p : parts) {
                        Long n = e.getValue().get(p);
                        if (n == null) {
                            missing++;
                        } else {
                            sum += n;
                        }
                    }
                    if (missing == parts.size()) {
                        continue;
                    }
                    if (missing > 0) {
                        report.note(area.slug() + " " + fy + ": no reading: " + missing + " of " + parts.size()
                                + " authorities have no figure");
                        continue;
                    }
                    Optional<Estimate> pop = areas.population(area, FeedAreas.middle(fy));
                    if (pop.isEmpty()) {
                        report.note(area.slug() + " " + fy + ": no population estimate, so no reading");
                        continue;
                    }
                    BigDecimal value = FeedIo.perThousand(BigDecimal.valueOf(sum), pop.get().population());
                    String note = "DEFRA: " + FeedReport.number(sum) + " fly-tipping incidents in " + fy
                            + (parts.size() > 1 ? " (sum of " + parts.size() + " authorities)" : "")
                            + "; " + FeedIo.population(pop.get()) + check(fy, area, sum, pop.get());
                    out.add(FeedIo.reading(INDICATOR, area.slug(), fy, value, SOURCE, note));
                }
            }
            for (Reading r : out) {
                report.made(r);
                sink.accept(r, report.file(), 0);
            }
            return report;
        }

        /** Whether DEFRA's own rate, where it prints one, agrees with ours to the precision it prints. */
        private String check(Period fy, Area area, long sum, Estimate pop) {
            String[] p = printed.getOrDefault(fy, Map.of()).get(area.slug());
            if (p == null || !p[0].matches("\\d+(\\.\\d+)?")) {
                return "";
            }
            BigDecimal theirs = new BigDecimal(p[0]);
            BigDecimal ours = BigDecimal.valueOf(sum).multiply(BigDecimal.valueOf(1000))
                    .divide(BigDecimal.valueOf(pop.population()), MathContext.DECIMAL64);
            int scale = Math.min(theirs.scale(), 10);
            boolean agrees = ours.setScale(scale, RoundingMode.HALF_UP).subtract(theirs).abs()
                    .compareTo(BigDecimal.ONE.movePointLeft(scale)) <= 0;
            String text = "; DEFRA's own rate " + theirs.setScale(Math.min(scale, 4), RoundingMode.HALF_UP).toPlainString();
            if (agrees) {
                return text + " (agrees)";
            }
            report.note(area.slug() + " " + fy + ": DEFRA's own rate " + theirs.toPlainString() + " (population " + p[1]
                    + ") differs from ours " + ours.setScale(4, RoundingMode.HALF_UP) + " (population " + pop.population() + ")");
            return text + " (population " + p[1] + ")";
        }

        private static String cell(List<String> cells, int i) {
            return i >= 0 && i < cells.size() ? cells.get(i).strip() : "";
        }

        private static Period financialYear(String text) {
            Matcher m = YEAR.matcher(text);
            if (!m.matches()) {
                return null;
            }
            int start = Integer.parseInt(m.group(1));
            return Integer.parseInt(m.group(2)) == (start + 1) % 100 ? Period.financialYear(start) : null;
        }
    }
}
