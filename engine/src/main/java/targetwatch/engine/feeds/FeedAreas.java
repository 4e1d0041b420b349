package targetwatch.engine.feeds;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Slugs;

/**
 * The places the partner feeds are turned into readings for, read from the rule set folder: which local
 * authorities there are and what they are called ({@code areas.csv}), how many people live in each
 * ({@code population.csv}, ONS mid-year estimates the secretariat updates), and optionally which
 * authority an LSOA code lies in ({@code lsoa-lookup.csv}, for LSOA names that do not start with a
 * known authority name). An area's former names (areas.csv's optional {@code also_known_as}, names separated by
 * {@code ;}, such as {@code Shepway} for Folkestone and Hythe, renamed in 2018 while data.police.uk kept the old
 * LSOA names) place its LSOAs as its own name does.
 */
public final class FeedAreas {

    public static final String AREAS = "areas.csv";
    public static final String POPULATION = "population.csv";
    public static final String LSOA_LOOKUP = "lsoa-lookup.csv";

    static final List<String> AREA_COLUMNS = List.of("area", "name", "ons_code", "dft_district", "within", "readings");
    /** The optional column of areas.csv naming an area's former names, separated by {@code ;}. */
    static final String ALSO_KNOWN_AS = "also_known_as";
    static final List<String> POPULATION_COLUMNS = List.of("ons_code", "name", "year", "population");
    private static final Pattern ONS_CODE = Pattern.compile("[EWSNK]\\d{8}");
    private static final Pattern DFT_CODE = Pattern.compile("\\d{1,4}");
    private static final Pattern COUNT = Pattern.compile("\\d{1,3}(,\\d{3})*|\\d+");

    /**
     * One place readings can be made for, or that counts toward one.
     *
     * @param slug the area slug readings carry, such as {@code maidstone}
     * @param name the authority's name as LSOA names and DEFRA spell it, such as {@code Maidstone}
     * @param onsCode the ONS code, such as {@code E07000110}
     * @param dftDistrict the DfT STATS19 {@code local_authority_district} code, such as {@code 536}, or null
     * @param within the slug of the wider area this one counts toward (its figure is the sum of its members), or null
     * @param readings whether readings are made for this area (the partnership's district and its comparator)
     */
    public record Area(String slug, String name, String onsCode, String dftDistrict, String within, boolean readings) {
    }

    /** A mid-year population estimate: the year it is for and the number of people. */
    public record Estimate(int year, long population) {
    }

    private final Map<String, Area> bySlug;
    private final Map<String, Area> byOnsCode;
    private final Map<String, Area> byDftDistrict;
    private final Map<String, Area> byName;
    private final Map<String, String> lsoaToOnsCode;
    private final Map<String, TreeMap<Integer, Long>> population;

    private FeedAreas(Map<String, Area> bySlug, Map<String, String> extraNames, Map<String, String> lsoaToOnsCode,
                      Map<String, TreeMap<Integer, Long>> population) {
        this.bySlug = bySlug;
        this.byOnsCode = new HashMap<>();
        this.byDftDistrict = new HashMap<>();
        this.byName = new HashMap<>();
        for (Area a : bySlug.values()) {
            byOnsCode.put(a.onsCode(), a);
            if (a.dftDistrict() != null) {
                byDftDistrict.put(a.dftDistrict(), a);
            }
            byName.put(nameKey(a.name()), a);
        }
        extraNames.forEach((name, code) -> byName.putIfAbsent(nameKey(name), byOnsCode.get(code)));
        this.lsoaToOnsCode = lsoaToOnsCode;
        this.population = population;
    }

    /**
     * Reads {@code areas.csv}, {@code population.csv} and, when present, {@code lsoa-lookup.csv} from a
     * rule set folder, checking every cell.
     *
     * @throws FeedSetupException naming file, row and column of every problem found
     */
    public static FeedAreas load(Path rulesFolder) throws FeedSetupException {
        List<String> errors = new ArrayList<>();
        Map<String, Area> areas = new LinkedHashMap<>();
        Map<String, String> namesByOnsCode = new HashMap<>();
        Map<String, String> extraNames = new HashMap<>();
        Map<String, TreeMap<Integer, Long>> population = new HashMap<>();
        Map<String, String> lsoa = new HashMap<>();
        Map<String, Row> formerNames = new LinkedHashMap<>();

        for (Row r : rows(rulesFolder, AREAS, AREA_COLUMNS, true, errors)) {
            String slug = r.cell("area");
            String code = r.cell("ons_code");
            String dft = r.cell("dft_district");
            String within = r.cell("within");
            String readings = r.cell("readings").toLowerCase(Locale.ROOT);
            boolean ok = true;
            if (!Slugs.isSlug(slug)) {
                ok = r.error("area", "\"" + Slugs.abbreviate(slug) + "\" is not a lower-case area slug such as maidstone");
            } else if (areas.containsKey(slug)) {
                ok = r.error("area", "\"" + slug + "\" is already listed");
            }
            if (r.cell("name").isEmpty()) {
                ok = r.error("name", "is required (the authority's name as LSOA names spell it, such as Maidstone)");
            }
            if (!ONS_CODE.matcher(code).matches()) {
                ok = r.error("ons_code", "\"" + Slugs.abbreviate(code) + "\" is not an ONS code such as E07000110");
            } else if (namesByOnsCode.containsKey(code)) {
                ok = r.error("ons_code", code + " is already listed");
            }
            if (!dft.isEmpty() && !DFT_CODE.matcher(dft).matches()) {
                ok = r.error("dft_district", "\"" + Slugs.abbreviate(dft) + "\" is not a DfT district number such as 536");
            }
            if (!within.isEmpty() && !Slugs.isSlug(within)) {
                ok = r.error("within", "\"" + Slugs.abbreviate(within) + "\" is not an area slug");
            }
            if (!readings.equals("yes") && !readings.equals("no")) {
                ok = r.error("readings", "must be yes or no");
            }
            if (ok) {
                areas.put(slug, new Area(slug, r.cell("name"), code, dft.isEmpty() ? null : dft,
                        within.isEmpty() ? null : within, readings.equals("yes")));
                namesByOnsCode.put(code, r.cell("name"));
                for (String former : r.cell(ALSO_KNOWN_AS).split(";")) {
                    if (!former.isBlank()) {
                        formerNames.put(former.strip(), r);
                    }
                }
            }
        }
        Map<String, String> codesByName = new HashMap<>();
        areas.values().forEach(a -> codesByName.put(nameKey(a.name()), a.onsCode()));
        formerNames.forEach((former, r) -> {
            String code = r.cell("ons_code");
            String other = codesByName.putIfAbsent(nameKey(former), code);
            if (other != null && !other.equals(code)) {
                r.error(ALSO_KNOWN_AS, "\"" + Slugs.abbreviate(former) + "\" is already the name of " + other
                        + ": an LSOA name can place its incidents in one area only");
            } else {
                extraNames.put(former, code);
            }
        });
        for (Area a : areas.values()) {
            if (a.within() != null && !areas.containsKey(a.within())) {
                errors.add(AREAS + ": area " + a.slug() + " is within \"" + a.within() + "\", which is not listed");
            } else if (a.within() != null && areas.get(a.within()).within() != null) {
                errors.add(AREAS + ": area " + a.slug() + " is within " + a.within()
                        + ", which is itself within another area (one level only)");
            }
        }

        for (Row r : rows(rulesFolder, POPULATION, POPULATION_COLUMNS, true, errors)) {
            String code = r.cell("ons_code");
            String year = r.cell("year");
            String count = r.cell("population");
            boolean ok = true;
            if (!namesByOnsCode.containsKey(code)) {
                ok = r.error("ons_code", "\"" + Slugs.abbreviate(code) + "\" is not an ons_code listed in " + AREAS);
            }
            if (!year.matches("(19|20)\\d{2}")) {
                ok = r.error("year", "\"" + Slugs.abbreviate(year) + "\" is not a year such as 2019 (the mid-year of the estimate)");
            }
            if (!COUNT.matcher(count).matches() || count.replace(",", "").length() > 11 || count.replace(",", "").equals("0")) {
                ok = r.error("population", "\"" + Slugs.abbreviate(count) + "\" is not a number of people such as 171826");
            }
            if (ok) {
                TreeMap<Integer, Long> years = population.computeIfAbsent(code, c -> new TreeMap<>());
                if (years.put(Integer.parseInt(year), Long.parseLong(count.replace(",", ""))) != null) {
                    r.error("year", "there is already an estimate for " + code + " in " + year);
                }
                if (!r.cell("name").isEmpty() && !r.cell("name").equalsIgnoreCase(namesByOnsCode.get(code))) {
                    extraNames.put(r.cell("name"), code);
                }
            }
        }
        for (Area a : areas.values()) {
            if (a.readings() && !population.containsKey(a.onsCode())) {
                errors.add(POPULATION + ": no estimate for " + a.slug() + " (" + a.onsCode() + "), which has readings=yes");
            }
        }

        if (Files.isRegularFile(rulesFolder.resolve(LSOA_LOOKUP))) {
            readLsoaLookup(rulesFolder, namesByOnsCode, lsoa, errors);
        }
        if (!errors.isEmpty()) {
            throw new FeedSetupException(errors);
        }
        return new FeedAreas(areas, extraNames, lsoa, population);
    }

    /** Whether a rule set folder holds the feed files at all. */
    public static boolean present(Path rulesFolder) {
        return Files.isRegularFile(rulesFolder.resolve(AREAS)) || Files.isRegularFile(rulesFolder.resolve(POPULATION));
    }

    private static void readLsoaLookup(Path folder, Map<String, String> known, Map<String, String> lsoa, List<String> errors) {
        // Either the short form (lsoa_code,ons_code) or ONS's own lookup file (LSOA11CD,...,LAD19CD,...).
        List<String> header = header(folder.resolve(LSOA_LOOKUP), errors);
        String lsoaColumn = header.stream().filter(h -> h.equalsIgnoreCase("lsoa_code") || h.matches("(?i)lsoa\\d{2}cd"))
                .findFirst().orElse("lsoa_code");
        String ladColumn = header.stream().filter(h -> h.equalsIgnoreCase("ons_code") || h.matches("(?i)lad\\d{2}cd"))
                .findFirst().orElse("ons_code");
        for (Row r : rows(folder, LSOA_LOOKUP, List.of(lsoaColumn, ladColumn), false, errors)) {
            String code = r.cell(lsoaColumn);
            String lad = r.cell(ladColumn);
            if (!ONS_CODE.matcher(code).matches()) {
                r.error(lsoaColumn, "\"" + Slugs.abbreviate(code) + "\" is not an LSOA code such as E01024333");
            } else if (known.containsKey(lad)) {
                lsoa.put(code, lad);
            }
        }
    }

    /** The area with this slug. */
    public Optional<Area> area(String slug) {
        return Optional.ofNullable(bySlug.get(slug));
    }

    /** Every area listed, in file order. */
    public List<Area> all() {
        return List.copyOf(bySlug.values());
    }

    /** The areas readings are made for, in file order. */
    public List<Area> reported() {
        return bySlug.values().stream().filter(Area::readings).toList();
    }

    /** The areas whose figures add up to this one's; empty for a single authority. */
    public List<Area> members(Area wider) {
        return bySlug.values().stream().filter(a -> wider.slug().equals(a.within())).toList();
    }

    public Optional<Area> byOnsCode(String code) {
        return Optional.ofNullable(byOnsCode.get(code.strip()));
    }

    public Optional<Area> byDftDistrict(String code) {
        return Optional.ofNullable(byDftDistrict.get(code.strip()));
    }

    /** The authority called this (any estimate's spelling counts, such as a former name), ignoring case. */
    public Optional<Area> byName(String name) {
        return Optional.ofNullable(byName.get(nameKey(name)));
    }

    /** The authority an LSOA code lies in, from {@code lsoa-lookup.csv}. */
    public Optional<Area> byLsoaCode(String lsoaCode) {
        String code = lsoaToOnsCode.get(lsoaCode);
        return code == null ? Optional.empty() : byOnsCode(code);
    }

    /**
     * The estimate nearest to a day: mid-year estimates describe 30 June of their year, so a period
     * takes the one whose 30 June is closest to its middle (the earlier on a tie).
     */
    public Optional<Estimate> population(Area area, LocalDate middle) {
        TreeMap<Integer, Long> years = population.get(area.onsCode());
        if (years == null) {
            return Optional.empty();
        }
        Estimate best = null;
        long bestDistance = Long.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : years.entrySet()) {
            long d = Math.abs(ChronoUnit.DAYS.between(middle, LocalDate.of(e.getKey(), 6, 30)));
            if (d < bestDistance) {
                best = new Estimate(e.getKey(), e.getValue());
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The middle day of a period (the earlier of two middle days). */
    public static LocalDate middle(Period period) {
        return middle(period.start(), period.end());
    }

    /** The middle day between two days. */
    public static LocalDate middle(LocalDate first, LocalDate last) {
        return first.plusDays(ChronoUnit.DAYS.between(first, last) / 2);
    }

    private static String nameKey(String name) {
        return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** One data row of a secretariat file, with its spreadsheet row number. */
    private record Row(String file, long row, Map<String, String> cells, List<String> errors) {

        String cell(String column) {
            String v = cells.get(column);
            return v == null ? "" : v.strip();
        }

        boolean error(String column, String message) {
            errors.add(file + ":" + row + ":" + column + ": " + message);
            return false;
        }
    }

    private static List<String> header(Path file, List<String> errors) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVParser.parse(r, CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            return p.getHeaderNames().stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
        } catch (IOException | IllegalArgumentException e) {
            errors.add(file.getFileName() + ": cannot be read: " + e.getMessage());
            return List.of();
        }
    }

    private static List<Row> rows(Path folder, String name, List<String> required, boolean mustExist, List<String> errors) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            if (mustExist) {
                errors.add(name + ": is missing from the rule set folder " + folder);
            }
            return List.of();
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build();
        List<Row> rows = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = CSVParser.parse(r, format)) {
            Map<String, Integer> header = new HashMap<>();
            List<String> names = parser.getHeaderNames();
            for (int i = 0; i < names.size(); i++) {
                header.putIfAbsent(names.get(i).replace("\uFEFF", "").strip(), i);
            }
            List<String> missing = required.stream().filter(c -> !header.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                errors.add(name + ":1: missing column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
                return List.of();
            }
            for (CSVRecord rec : parser) {
                Map<String, String> cells = new HashMap<>();
                header.forEach((column, i) -> cells.put(column, i < rec.size() ? rec.get(i) : ""));
                rows.add(new Row(name, rec.getRecordNumber() + 1, cells, errors));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            errors.add(name + ": is not readable CSV: " + e.getMessage());
        }
        return Collections.unmodifiableList(rows);
    }
}
