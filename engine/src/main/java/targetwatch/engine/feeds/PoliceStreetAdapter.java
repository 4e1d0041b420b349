package targetwatch.engine.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.feeds.FeedAreas.Area;
import targetwatch.engine.feeds.FeedAreas.Estimate;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;

/**
 * data.police.uk street-level CSV (one row per crime or ASB incident, coded by LSOA) into monthly counts
 * per area and crime type, and {@code asb-incidents-per-1000} readings: the rolling 12-month count of
 * anti-social behaviour incidents per 1,000 residents, for each area with readings (the district, and the
 * force area as the sum of its authorities); and, when asked for, {@code crimes-per-1000}, the same rolling
 * figure of every other row (every Crime type but anti-social behaviour), for a target that compares a district
 * with its force area.
 *
 * <p>An incident's authority is the start of its LSOA name ({@code Maidstone 012A}); where that is not a
 * known authority name, {@code lsoa-lookup.csv} by LSOA code. Rows with no LSOA ({@code No Location}) and
 * rows in LSOAs of other authorities are counted and reported, not used. Months are kept across files:
 * a drop may hold several months in any order, and a month (of an authority) given again replaces the
 * earlier figures. A figure over fewer than 12 covered months is scaled to 12 and flagged PARTIAL.
 * Streams: memory holds the counts, never the rows.
 */
public final class PoliceStreetAdapter {

    public static final String INDICATOR = "asb-incidents-per-1000";
    /** Recorded crimes (every row but ASB) per 1,000 residents, rolling 12 months: made only when asked for. */
    public static final String CRIMES = "crimes-per-1000";
    public static final String ASB = "Anti-social behaviour";
    /** The count category of the reports that holds every row: crime types are the others. */
    public static final String ALL = "all";
    static final String NO_LOCATION = "with no location (no LSOA)";
    static final String OUTSIDE = "in LSOAs outside the area";
    static final String BAD_MONTH = "with a Month that is not yyyy-mm";
    static final String SHORT = "with fewer cells than the header";
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final int MAX_OUTSIDE_NAMES = 50;

    /** ASB incidents per authority and month, across every file read. */
    private final MonthlyFigures asb = new MonthlyFigures();
    /** Crimes (every other row) per authority and month, across every file read. */
    private final MonthlyFigures crimes = new MonthlyFigures();
    private final boolean makesCrimes;

    /** An adapter making {@code asb-incidents-per-1000} readings only. */
    public PoliceStreetAdapter() {
        this(false);
    }

    /**
     * @param makesCrimes whether it makes {@code crimes-per-1000} readings too (for a rule set with a target for
     *                    them: one without would refuse each)
     */
    public PoliceStreetAdapter(boolean makesCrimes) {
        this.makesCrimes = makesCrimes;
    }

    /**
     * Reads one file, keeps its months, and hands on the readings its months change.
     *
     * @throws FeedRefusedException when the header lacks a column the format always has; nothing is kept
     */
    public FeedReport adapt(FeedAreas areas, String file, InputStream in, ReadingSink sink, FeedProgress progress)
            throws IOException {
        return adapt(areas, file, in, sink, progress, makesCrimes);
    }

    /**
     * Reads one file as {@link #adapt(FeedAreas, String, InputStream, ReadingSink, FeedProgress)} does, making
     * {@code crimes-per-1000} readings too when {@code withCrimes} (a running service asks its rule sets of the moment
     * whether any has a target for them, file by file).
     */
    public FeedReport adapt(FeedAreas areas, String file, InputStream in, ReadingSink sink, FeedProgress progress,
                            boolean withCrimes) throws IOException {
        FeedReport report = new FeedReport(file, FeedKind.POLICE_STREET);
        try (CSVParser parser = FeedIo.csv(in)) {
            Iterator<CSVRecord> rows = parser.iterator();
            if (!rows.hasNext()) {
                throw FeedRefusedException.missing(file, FeedKind.POLICE_STREET, FeedKind.POLICE_STREET.required());
            }
            Columns header = Columns.of(rows.next().toList());
            header.require(file, FeedKind.POLICE_STREET);
            Tally tally = new Tally(areas, header);
            while (rows.hasNext()) {
                tally.row(rows.next(), report);
                if (report.rowsRead() % FeedProgress.EVERY == 0) {
                    progress.rowsRead(report.rowsRead());
                }
            }
            progress.rowsRead(report.rowsRead());
            keep(areas, tally, report);
            makeReadings(areas, tally, report, sink, withCrimes);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new FeedRefusedException(file + ": refused whole: unreadable CSV: " + e.getMessage());
        }
        return report;
    }

    /** The areas whose incidents are counted: those with readings, and the members of those. */
    static Map<String, Area> inPlay(FeedAreas areas) {
        Map<String, Area> out = new LinkedHashMap<>();
        for (Area a : areas.reported()) {
            List<Area> members = areas.members(a);
            if (members.isEmpty()) {
                out.put(a.onsCode(), a);
            }
            members.forEach(m -> out.put(m.onsCode(), m));
        }
        return out;
    }

    /** The authorities whose figures make up an area's: its members, or itself. */
    static List<String> parts(FeedAreas areas, Area area) {
        List<Area> members = areas.members(area);
        return members.isEmpty() ? List.of(area.slug()) : members.stream().map(Area::slug).toList();
    }

    /** One file's rows, counted as they stream past. */
    private static final class Tally {
        private final FeedAreas areas;
        private final Map<String, Area> inPlay;
        private final int month;
        private final int lsoaCode;
        private final int lsoaName;
        private final int crimeType;
        private final int fallsWithin;
        private final int width;
        /** LSOA code (or name, when there is no code) to its authority, or to NOWHERE. */
        private final Map<String, Area> lsoaCache = new HashMap<>();
        private final Map<String, Period> months = new HashMap<>();
        /** month, authority slug, crime type: count. */
        private final SortedMap<Period, Map<String, Map<String, long[]>>> counts = new TreeMap<>();
        private final Map<Period, long[]> unlocated = new TreeMap<>();
        private final Map<String, Long> outsideNames = new TreeMap<>();
        private String force;
        /** Rows come grouped by LSOA and month: the last ones looked up are kept at hand. */
        private String lastLsoa;
        private Area lastArea;
        private String lastMonthText;
        private Period lastParsedMonth;
        private Period lastCountedMonth;
        private Area lastCountedArea;
        private Map<String, long[]> lastTypes;

        Tally(FeedAreas areas, Columns header) {
            this.areas = areas;
            this.inPlay = inPlay(areas);
            this.month = header.indexOf("Month");
            this.lsoaCode = header.indexOf("LSOA code");
            this.lsoaName = header.indexOf("LSOA name");
            this.crimeType = header.indexOf("Crime type");
            this.fallsWithin = header.indexOf("Falls within");
            this.width = Math.max(Math.max(month, lsoaCode), Math.max(Math.max(lsoaName, crimeType), fallsWithin)) + 1;
        }

        void row(CSVRecord rec, FeedReport report) {
            report.read();
            if (rec.size() < width) {
                report.skip(SHORT);
                return;
            }
            Period m = month(rec.get(month));
            if (m == null) {
                report.skip(BAD_MONTH);
                return;
            }
            if (force == null) {
                force = rec.get(fallsWithin);
            }
            String code = rec.get(lsoaCode);
            String name = rec.get(lsoaName);
            if (code.isEmpty() && name.isEmpty()) {
                report.skip(NO_LOCATION);
                unlocated.computeIfAbsent(m, k -> new long[1])[0]++;
                return;
            }
            String key = code.isEmpty() ? name : code;
            Area area;
            if (key.equals(lastLsoa)) {
                area = lastArea;
            } else {
                area = lsoaCache.computeIfAbsent(key, k -> authority(code, name));
                lastLsoa = key;
                lastArea = area;
            }
            if (area == NOWHERE) {
                report.skip(OUTSIDE);
                String prefix = prefix(name);
                if (outsideNames.containsKey(prefix) || outsideNames.size() < MAX_OUTSIDE_NAMES) {
                    outsideNames.merge(prefix, 1L, Long::sum);
                } else {
                    outsideNames.merge("others", 1L, Long::sum);
                }
                return;
            }
            report.used();
            if (m != lastCountedMonth || area != lastCountedArea) {
                lastTypes = counts.computeIfAbsent(m, k -> new HashMap<>()).computeIfAbsent(area.slug(), k -> new HashMap<>());
                lastCountedMonth = m;
                lastCountedArea = area;
            }
            lastTypes.computeIfAbsent(rec.get(crimeType), k -> new long[1])[0]++;
        }

        private Period month(String text) {
            if (text.equals(lastMonthText)) {
                return lastParsedMonth;
            }
            Period p = months.get(text);
            if (p == null && MONTH.matcher(text.strip()).matches()) {
                try {
                    p = Period.parse(text.strip());
                    months.put(text, p);
                } catch (IllegalArgumentException e) {
                    p = null;
                }
            }
            lastMonthText = text;
            lastParsedMonth = p;
            return p;
        }

        private Area authority(String code, String name) {
            Optional<Area> byName = name.isEmpty() ? Optional.empty() : areas.byName(prefix(name));
            Area a = byName.or(() -> code.isEmpty() ? Optional.empty() : areas.byLsoaCode(code)).orElse(null);
            return a != null && inPlay.containsKey(a.onsCode()) ? a : NOWHERE;
        }
    }

    private static final Area NOWHERE = new Area("nowhere", "", "", null, null, false);

    /** {@code Maidstone 012A} is in {@code Maidstone}: the name without its last word. */
    static String prefix(String lsoaName) {
        String n = lsoaName.strip();
        int space = n.lastIndexOf(' ');
        return space < 0 ? (n.isEmpty() ? "(no name)" : n) : n.substring(0, space);
    }

    private void keep(FeedAreas areas, Tally tally, FeedReport report) {
        for (Map.Entry<Period, Map<String, Map<String, long[]>>> month : tally.counts.entrySet()) {
            Period m = month.getKey();
            for (Map.Entry<String, Map<String, long[]>> area : month.getValue().entrySet()) {
                long all = 0;
                for (Map.Entry<String, long[]> type : area.getValue().entrySet()) {
                    report.count(m, area.getKey(), type.getKey(), type.getValue()[0]);
                    all += type.getValue()[0];
                }
                report.count(m, area.getKey(), ALL, all);
                long[] n = area.getValue().get(ASB);
                asb.put(area.getKey(), m, n == null ? 0 : n[0]);
                crimes.put(area.getKey(), m, all - (n == null ? 0 : n[0]));
            }
            List<String> line = new ArrayList<>();
            for (Area a : areas.reported()) {
                Long n = asb.get(parts(areas, a), m);
                if (n != null) {
                    line.add(a.slug() + " " + FeedReport.number(n));
                }
            }
            long[] none = tally.unlocated.get(m);
            report.note(m + ": ASB incidents " + (line.isEmpty() ? "none in the areas" : String.join(", ", line))
                    + "; " + month.getValue().size() + " authorit" + (month.getValue().size() == 1 ? "y" : "ies")
                    + " covered" + (none == null ? "" : "; " + FeedReport.number(none[0]) + " rows with no location (not counted)"));
        }
        tally.unlocated.forEach((m, n) -> {
            if (!tally.counts.containsKey(m)) {
                report.note(m + ": " + FeedReport.number(n[0]) + " rows with no location (not counted)");
            }
        });
        if (!tally.outsideNames.isEmpty()) {
            List<String> parts = new ArrayList<>();
            tally.outsideNames.forEach((name, n) -> parts.add(name + " " + FeedReport.number(n)));
            report.note("outside the area (by LSOA name): " + String.join(", ", parts));
        }
    }

    private void makeReadings(FeedAreas areas, Tally tally, FeedReport report, ReadingSink sink, boolean withCrimes) {
        String source = FeedIo.slug(tally.force, "police-uk");
        List<Reading> out = new ArrayList<>(readings(areas, tally, report, asb, INDICATOR, "ASB incidents", source));
        if (withCrimes) {
            out.addAll(readings(areas, tally, report, crimes, CRIMES, "crimes (every Crime type but ASB)", source));
        }
        out.sort((a, b) -> a.period().compareTo(b.period()));
        for (Reading r : out) {
            report.made(r);
            sink.accept(r, report.file(), 0);
        }
    }

    /** One indicator's readings for the months this file changed, area by area. */
    private List<Reading> readings(FeedAreas areas, Tally tally, FeedReport report, MonthlyFigures figures,
                                   String indicator, String what, String source) {
        Set<Period> changed = tally.counts.keySet();
        // the ASB lines read as they did before there was a second indicator
        String named = indicator.equals(INDICATOR) ? "" : indicator + " ";
        List<Reading> out = new ArrayList<>();
        // a wider area first: a target comparing a district with it then rates the district on arrival, not GREY first
        List<Area> widerFirst = new ArrayList<>(areas.reported());
        widerFirst.sort(java.util.Comparator.comparing((Area a) -> areas.members(a).isEmpty()));
        for (Area area : widerFirst) {
            List<String> parts = parts(areas, area);
            for (Period month : figures.affected(parts, changed)) {
                MonthlyFigures.Window w = figures.window(parts, month);
                Optional<Estimate> pop = areas.population(area, w.middle());
                if (pop.isEmpty()) {
                    report.note(area.slug() + " " + month + ": no population estimate, so no " + named + "reading");
                    continue;
                }
                BigDecimal value = FeedIo.perThousand(w.yearly(), pop.get().population());
                String note = w.flag() + "data.police.uk: " + FeedReport.number(w.sum()) + " " + what + " " + w.describe()
                        + (parts.size() > 1 ? " (sum of " + parts.size() + " authorities)" : "")
                        + "; " + FeedIo.population(pop.get());
                out.add(FeedIo.reading(indicator, area.slug(), month, value, source, note));
                if (w.partial()) {
                    report.note("PARTIAL " + named + area.slug() + " " + month + ": " + FeedReport.number(w.sum())
                            + " " + what + " " + w.describe());
                }
            }
        }
        return out;
    }
}
