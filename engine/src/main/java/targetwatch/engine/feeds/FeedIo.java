package targetwatch.engine.feeds;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/** What the adapters share: opening a published CSV, making a reading, and per-1,000 arithmetic. */
final class FeedIo {

    /** Published CSVs: commas, double quotes, any line ending, a byte-order mark tolerated. */
    static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).build();
    private static final int BUFFER = 1 << 16;
    private static final int MAX_NOTE = 1_900;

    private FeedIo() {
    }

    /** A streaming parser over a published CSV; text that is not UTF-8 reads as replacement characters. */
    static CSVParser csv(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), BUFFER);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return CSVParser.parse(reader, CSV);
    }

    /** A reading for the default partnership, with no report time. */
    static Reading reading(String indicator, String area, Period period, BigDecimal value, String source, String note) {
        String n = note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 3) + "..." : note;
        return new Reading(null, indicator, area, period, value, source, null, n);
    }

    /** A yearly count per 1,000 people, to two decimal places. */
    static BigDecimal perThousand(BigDecimal yearlyCount, long population) {
        return yearlyCount.multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(population), 2, RoundingMode.HALF_UP);
    }

    /** {@code Kent Police} becomes {@code kent-police}: a publisher's name as a source slug. */
    static String slug(String name, String fallback) {
        String s = name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() || s.length() > 64 ? fallback : s;
    }

    /** {@code population 171,826 (mid-2019 estimate)}. */
    static String population(FeedAreas.Estimate e) {
        return "population " + FeedReport.number(e.population()) + " (mid-" + e.year() + " estimate)";
    }
}
