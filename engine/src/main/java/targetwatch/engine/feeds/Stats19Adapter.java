package targetwatch.engine.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.feeds.FeedAreas.Area;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;

/**
 * DfT STATS19 road safety open data into {@code ksi-casualties} readings (people killed or seriously
 * injured) per calendar year, and per month as the rolling 12-month count, for each area with readings.
 * Reads both the older {@code accident_*} and the newer {@code collision_*} column names.
 *
 * <p>A collision file places each collision in a district ({@code local_authority_ons_district}, or the
 * DfT number {@code local_authority_district}) and gives its severity, the worst of its casualties'. Alone
 * it gives an estimate: the number of fatal or serious collisions, each of which has at least one KSI
 * casualty. A casualty file read after its year's collision file gives the exact count, each casualty
 * placed through its collision, and its readings replace the estimates. A year with fewer than 12
 * months in the data is scaled to 12 and flagged PARTIAL. Streams: memory holds per-month counts and
 * the index numbers of the areas' own collisions (a few thousand a year), never the rows.
 */
public final class Stats19Adapter {

    public static final String INDICATOR = "ksi-casualties";
    public static final String SOURCE = "dft-stats19";
    /** Count categories in the reports. */
    public static final String KSI_COLLISIONS = "ksi-collisions";
    public static final String CASUALTIES_IN_KSI_COLLISIONS = "casualties-in-ksi-collisions";
    public static final String KSI_CASUALTIES = "ksi-casualties";
    public static final String COLLISIONS = "collisions";
    static final String OUTSIDE = "collisions outside the areas";
    static final String BAD_DATE = "with a date that is not dd/mm/yyyy";
    static final String BAD_SEVERITY = "with a severity that is not 1, 2 or 3";
    static final String NO_DISTRICT = "with no district";
    static final String NOT_PLACED = "casualties of collisions outside the areas";
    static final String SHORT = "with fewer cells than the header";
    static final String NO_YEAR = "with no collision year";
    private static final Pattern DMY = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");
    private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern EXPONENT = Pattern.compile("[0-9.]+E\\+?\\d+", Pattern.CASE_INSENSITIVE);

    /** KSI collisions per authority and month (the estimate), from collision files. */
    private final MonthlyFigures estimate = new MonthlyFigures();
    /** KSI casualties per authority and month (exact), from casualty files. */
    private final MonthlyFigures exact = new MonthlyFigures();
    /** Per year, the areas' own collisions: index to where and when, for placing casualties. */
    private final Map<Integer, Map<String, Placed>> collisions = new HashMap<>();

    private record Placed(String area, Period month) {
    }

    /**
     * Reads one collision or casualty file and hands on the readings it changes.
     *
     * @throws FeedRefusedException when the file is neither, or lacks a required column, or is a
     *                              casualty file whose year's collision file has not been read
     */
    public FeedReport adapt(FeedAreas areas, String file, InputStream in, ReadingSink sink, FeedProgress progress)
            throws IOException {
        try (CSVParser parser = FeedIo.csv(in)) {
            Iterator<CSVRecord> rows = parser.iterator();
            Columns header = Columns.of(rows.hasNext() ? rows.next().toList() : List.of());
            FeedKind kind = FeedKind.recognise(header).orElse(FeedKind.STATS19_COLLISIONS);
            if (kind == FeedKind.STATS19_CASUALTIES) {
                header.require(file, kind);
                return casualties(areas, file, header, rows, sink, progress);
            }
            header.require(file, FeedKind.STATS19_COLLISIONS);
            if (!header.has("local_authority_district") && !header.has("local_authority_ons_district")) {
                throw FeedRefusedException.missing(file, FeedKind.STATS19_COLLISIONS,
                        List.of("local_authority_district or local_authority_ons_district"));
            }
            return collisions(areas, file, header, rows, sink, progress);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new FeedRefusedException(file + ": refused whole: unreadable CSV: " + e.getMessage());
        }
    }

    private FeedReport collisions(FeedAreas areas, String file, Columns header, Iterator<CSVRecord> rows, ReadingSink sink,
                                  FeedProgress progress) {
        FeedReport report = new FeedReport(file, FeedKind.STATS19_COLLISIONS);
        Map<String, Area> inPlay = PoliceStreetAdapter.inPlay(areas);
        Map<String, Area> byOns = new HashMap<>();
        Map<String, Area> byDft = new HashMap<>();
        inPlay.values().forEach(a -> {
            byOns.put(a.onsCode(), a);
            if (a.dftDistrict() != null) {
                byDft.put(a.dftDistrict(), a);
            }
        });
        int index = header.indexOf("collision_index");
        int severity = header.indexOf("collision_severity");
        int date = header.indexOf("date");
        int ons = header.indexOf("local_authority_ons_district");
        int dft = header.indexOf("local_authority_district");
        int casualties = header.indexOf("number_of_casualties");
        int width = Math.max(Math.max(index, severity), Math.max(date, Math.max(ons, Math.max(dft, casualties)))) + 1;
        // area, month: {collisions, KSI collisions, casualties in KSI collisions}
        SortedMap<Period, Map<String, long[]>> counts = new TreeMap<>();
        Map<Integer, Map<String, Placed>> placed = new HashMap<>();
        Map<String, Period> months = new HashMap<>();
        long exponentIndexes = 0;
        while (rows.hasNext()) {
            CSVRecord rec = rows.next();
            if (!counted(rec, width, report, progress)) {
                continue;
            }
            Area area = null;
            String onsCode = ons < 0 ? "" : rec.get(ons).strip();
            String dftCode = dft < 0 ? "" : rec.get(dft).strip();
            boolean onsKnown = !onsCode.isEmpty() && !onsCode.equals("-1");
            boolean dftKnown = !dftCode.isEmpty() && !dftCode.equals("-1");
            if (onsKnown) {
                area = byOns.get(onsCode);
            } else if (dftKnown) {
                area = byDft.get(dftCode);
            } else {
                report.skip(NO_DISTRICT);
                continue;
            }
            if (area == null) {
                report.skip(OUTSIDE);
                continue;
            }
            Period month = months.computeIfAbsent(rec.get(date), Stats19Adapter::month);
            if (month == null) {
                report.skip(BAD_DATE);
                continue;
            }
            int sev = severity(rec.get(severity), report);
            if (sev == 0) {
                continue;
            }
            long[] c = counts.computeIfAbsent(month, k -> new HashMap<>()).computeIfAbsent(area.slug(), k -> new long[3]);
            c[0]++;
            if (sev < 3) {
                c[1]++;
                c[2] += casualties < 0 ? 0 : parseCount(rec.get(casualties));
            }
            String id = rec.get(index).strip();
            if (EXPONENT.matcher(id).matches()) {
                exponentIndexes++;
            }
            placed.computeIfAbsent(month.year(), y -> new HashMap<>()).put(id, new Placed(area.slug(), month));
        }
        progress.rowsRead(report.rowsRead());
        if (exponentIndexes > 0) {
            report.note(FeedReport.number(exponentIndexes) + " collision index numbers are in exponent form (such as 2.01546E+12):"
                    + " the file passed through a spreadsheet, so a casualty file cannot be matched to it");
        }
        counts.forEach((month, byArea) -> byArea.forEach((area, c) -> {
            report.count(month, area, COLLISIONS, c[0]);
            report.count(month, area, KSI_COLLISIONS, c[1]);
            report.count(month, area, CASUALTIES_IN_KSI_COLLISIONS, c[2]);
            estimate.put(area, month, c[1]);
        }));
        // A collision file replaces its years' collisions (and so any exact counts made from them).
        for (Map.Entry<Integer, Map<String, Placed>> y : placed.entrySet()) {
            collisions.put(y.getKey(), y.getValue());
            y.getValue().values().forEach(p -> exact.remove(p.area(), p.month()));
        }
        for (Period m : counts.keySet()) {
            for (Area a : areas.reported()) {
                Long ksi = estimate.get(PoliceStreetAdapter.parts(areas, a), m);
                if (ksi != null) {
                    report.note(m + ": " + a.slug() + " " + FeedReport.number(ksi) + " fatal or serious collisions");
                }
            }
        }
        emit(areas, counts.keySet(), report, sink);
        return report;
    }

    private FeedReport casualties(FeedAreas areas, String file, Columns header, Iterator<CSVRecord> rows, ReadingSink sink,
                                  FeedProgress progress) throws FeedRefusedException {
        FeedReport report = new FeedReport(file, FeedKind.STATS19_CASUALTIES);
        int index = header.indexOf("collision_index");
        int severity = header.indexOf("casualty_severity");
        int yearColumn = header.indexOf("collision_year");
        int width = Math.max(Math.max(index, severity), yearColumn) + 1;
        Map<Integer, Map<String, long[]>> ksi = new TreeMap<>();
        Set<Integer> years = new TreeSet<>();
        while (rows.hasNext()) {
            CSVRecord rec = rows.next();
            if (!counted(rec, width, report, progress)) {
                continue;
            }
            String id = rec.get(index).strip();
            int year = year(yearColumn < 0 ? "" : rec.get(yearColumn), id);
            if (year == 0) {
                report.skip(NO_YEAR);
                continue;
            }
            if (years.add(year) && !collisions.containsKey(year)) {
                throw new FeedRefusedException(file + ": refused whole: no STATS19 collision file for " + year
                        + " has been read, and a casualty is placed in a district only through its collision");
            }
            Placed p = collisions.get(year).get(id);
            if (p == null) {
                report.skip(NOT_PLACED);
                continue;
            }
            int sev = severity(rec.get(severity), report);
            if (sev == 0) {
                continue;
            }
            long[] n = ksi.computeIfAbsent(year, y -> new HashMap<>()).computeIfAbsent(p.area() + "|" + p.month(), k -> new long[1]);
            if (sev < 3) {
                n[0]++;
            }
        }
        progress.rowsRead(report.rowsRead());
        Set<Period> changed = new TreeSet<>();
        for (int year : years) {
            Map<String, long[]> counted = ksi.getOrDefault(year, Map.of());
            for (Placed p : collisions.get(year).values()) {
                long[] n = counted.get(p.area() + "|" + p.month());
                exact.put(p.area(), p.month(), n == null ? 0 : n[0]);
                changed.add(p.month());
            }
        }
        for (Period m : changed) {
            for (Area a : areas.all()) {
                Long n = exact.get(a.slug(), m);
                if (n != null) {
                    report.count(m, a.slug(), KSI_CASUALTIES, n);
                }
            }
        }
        emit(areas, changed, report, sink);
        return report;
    }

    /** The monthly rolling readings and the calendar-year readings that the changed months touch. */
    private void emit(FeedAreas areas, Set<Period> changed, FeedReport report, ReadingSink sink) {
        List<Reading> out = new ArrayList<>();
        MonthlyFigures best = best();
        for (Area area : areas.reported()) {
            List<String> parts = PoliceStreetAdapter.parts(areas, area);
            Set<Integer> years = new TreeSet<>();
            for (Period month : best.affected(parts, changed)) {
                out.add(reading(area, month, month, best.window(parts, month), parts, report));
            }
            changed.forEach(m -> years.add(m.year()));
            for (int year : years) {
                MonthlyFigures.Window w = best.window(parts, Period.month(year, 12));
                if (w.months() > 0) {
                    out.add(reading(area, Period.year(year), Period.month(year, 12), w, parts, report));
                }
            }
        }
        out.sort((a, b) -> a.period().compareTo(b.period()));
        for (Reading r : out) {
            report.made(r);
            sink.accept(r, report.file(), 0);
        }
    }

    private Reading reading(Area area, Period period, Period last, MonthlyFigures.Window w, List<String> parts, FeedReport report) {
        int estimated = 0;
        Period m = last;
        for (int i = 0; i < MonthlyFigures.WINDOW; i++) {
            if (exact.get(parts, m) == null && estimate.get(parts, m) != null) {
                estimated++;
            }
            m = m.previous();
        }
        String what = estimated == 0 ? "KSI casualties" : "fatal or serious collisions";
        String note = w.flag() + "STATS19: " + FeedReport.number(w.sum()) + " " + what + " " + w.describe()
                + (parts.size() > 1 ? " (sum of " + parts.size() + " authorities)" : "")
                + (estimated == 0 ? "" : "; ESTIMATE from the collision file for " + estimated + " of the months"
                + " (each such collision has at least one KSI casualty; the casualty file gives the exact count)");
        if (w.partial()) {
            report.note("PARTIAL " + area.slug() + " " + period + ": " + FeedReport.number(w.sum()) + " " + what + " "
                    + w.describe());
        }
        return FeedIo.reading(INDICATOR, area.slug(), period, w.yearly().setScale(0, java.math.RoundingMode.HALF_UP),
                SOURCE, note);
    }

    /** Exact counts where a casualty file gave them, estimates elsewhere. */
    private MonthlyFigures best() {
        MonthlyFigures out = new MonthlyFigures();
        estimate.forEach(out::put);
        exact.forEach(out::put);
        return out;
    }

    /** Counts a row as read (telling progress now and then); false, and skipped, when it is short. */
    private static boolean counted(CSVRecord rec, int width, FeedReport report, FeedProgress progress) {
        report.read();
        if (report.rowsRead() % FeedProgress.EVERY == 0) {
            progress.rowsRead(report.rowsRead());
        }
        if (rec.size() < width) {
            report.skip(SHORT);
            return false;
        }
        return true;
    }

    /** A severity of 1 (fatal), 2 (serious) or 3 (slight), counting the row as used; 0, and skipped, for anything else. */
    private static int severity(String cell, FeedReport report) {
        String s = cell.strip();
        int sev = s.equals("1") ? 1 : s.equals("2") ? 2 : s.equals("3") ? 3 : 0;
        if (sev == 0) {
            report.skip(BAD_SEVERITY);
        } else {
            report.used();
        }
        return sev;
    }

    /** The month of a STATS19 date: {@code 05/01/2022}, {@code 10/1/2015} (d/m/yyyy) or {@code 2022-01-05}. */
    static Period month(String date) {
        String d = date.strip();
        Matcher m = DMY.matcher(d);
        try {
            if (m.matches()) {
                int day = Integer.parseInt(m.group(1));
                int month = Integer.parseInt(m.group(2));
                return day >= 1 && day <= 31 ? Period.month(Integer.parseInt(m.group(3)), month) : null;
            }
            m = ISO.matcher(d);
            if (m.matches()) {
                return Period.month(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** The collision year: its own column, or the first four digits of the index number. */
    private static int year(String column, String index) {
        String y = column.strip();
        if (y.matches("\\d{4}")) {
            return Integer.parseInt(y);
        }
        return index.length() >= 4 && index.substring(0, 4).matches("\\d{4}") ? Integer.parseInt(index.substring(0, 4)) : 0;
    }

    private static long parseCount(String text) {
        String t = text.strip();
        return t.matches("\\d{1,6}") ? Long.parseLong(t) : 0;
    }
}
