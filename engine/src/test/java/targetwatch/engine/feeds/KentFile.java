package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import targetwatch.engine.RuleFolders;

/**
 * Kent Police's whole-force month as published ({@code police-street/kent/2019-01-kent-street.csv}), counted plainly
 * and independently of the adapter, and the Kent sample rule sets ({@code samples/kent}) that read it.
 */
public final class KentFile {

    /**
     * The district each LSOA name prefix of Kent Police's file belongs to, written out here rather than read from the
     * sample (Shepway is the name Folkestone and Hythe had until 2018, which data.police.uk's LSOA names still use).
     */
    public static final Map<String, String> DISTRICTS = Map.ofEntries(
            Map.entry("Ashford", "ashford"), Map.entry("Canterbury", "canterbury"), Map.entry("Dartford", "dartford"),
            Map.entry("Dover", "dover"), Map.entry("Shepway", "folkestone-and-hythe"), Map.entry("Gravesham", "gravesham"),
            Map.entry("Maidstone", "maidstone"), Map.entry("Medway", "medway"), Map.entry("Sevenoaks", "sevenoaks"),
            Map.entry("Swale", "swale"), Map.entry("Thanet", "thanet"),
            Map.entry("Tonbridge and Malling", "tonbridge-and-malling"), Map.entry("Tunbridge Wells", "tunbridge-wells"));

    /** ONS mid-2019 estimates (as DEFRA republished them), the nearest to the 12 months to 2019-01, and their sum. */
    public static final Map<String, Long> MID_2019 = Map.ofEntries(
            Map.entry("ashford", 130_032L), Map.entry("canterbury", 165_394L), Map.entry("dartford", 112_606L),
            Map.entry("dover", 118_131L), Map.entry("folkestone-and-hythe", 112_996L), Map.entry("gravesham", 106_939L),
            Map.entry("maidstone", 171_826L), Map.entry("medway", 278_556L), Map.entry("sevenoaks", 120_750L),
            Map.entry("swale", 150_082L), Map.entry("thanet", 141_922L), Map.entry("tonbridge-and-malling", 132_153L),
            Map.entry("tunbridge-wells", 118_724L), Map.entry("kent", 1_860_111L));

    private KentFile() {
    }

    /** The file. */
    public static Path path() {
        return SharedData.file("police-street/kent/2019-01-kent-street.csv");
    }

    /** {@code samples/kent} beside the real rules/ folder: the root of the 13 partnership folders. */
    public static Path sample() {
        Path p = RuleFolders.real().getParent().resolve("samples").resolve("kent");
        assertTrue(Files.isRegularFile(p.resolve(FeedAreas.AREAS)), "no Kent sample at " + p);
        return p;
    }

    /**
     * The file's rows by district.
     *
     * @param asb the ASB rows of each district
     * @param crimes every other row of each district
     * @param located the rows in one of the 13 districts
     * @param noLocation the rows without an LSOA
     */
    public record Counts(Map<String, Long> asb, Map<String, Long> crimes, long located, long noLocation) {

        public long asbTotal() {
            return asb.values().stream().mapToLong(Long::longValue).sum();
        }

        public long crimesTotal() {
            return crimes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A plain pass over the file: a row's district is its LSOA name without the last word ("Shepway 001A": Shepway). */
    public static Counts count() throws IOException {
        Map<String, Long> asb = new TreeMap<>();
        Map<String, Long> crimes = new TreeMap<>();
        long[] n = new long[2];
        SharedData.countRows(path(), r -> {
            String lsoa = r.get("LSOA name");
            if (lsoa.isEmpty()) {
                n[1]++;
                return false;
            }
            String district = DISTRICTS.get(lsoa.substring(0, lsoa.lastIndexOf(' ')));
            if (district != null) {
                n[0]++;
                (r.get("Crime type").equals("Anti-social behaviour") ? asb : crimes).merge(district, 1L, Long::sum);
            }
            return false;
        });
        return new Counts(asb, crimes, n[0], n[1]);
    }

    /** One month's count, scaled to 12 months as the adapter does while partial, per 1,000 residents. */
    public static BigDecimal perThousandOverOneMonth(long count, long population) {
        return BigDecimal.valueOf(count * 12 * 1000).divide(BigDecimal.valueOf(population), 2, RoundingMode.HALF_UP);
    }
}
