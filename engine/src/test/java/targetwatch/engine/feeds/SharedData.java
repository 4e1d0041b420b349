package targetwatch.engine.feeds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;

/**
 * The real published samples in {@code shared/data} (surefire passes the folder as
 * {@code targetwatch.shared.data}), read as they are, and a plain independent count over them.
 */
final class SharedData {

    private SharedData() {
    }

    static Path folder() {
        String configured = System.getProperty("targetwatch.shared.data");
        Path folder = (configured == null ? Path.of("..", "..", "shared", "data") : Path.of(configured)).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(folder.resolve("README.md")), "no shared data at " + folder
                + " (set the system property targetwatch.shared.data)");
        return folder;
    }

    static Path file(String relative) {
        Path p = folder().resolve(relative);
        assertTrue(Files.isRegularFile(p), "missing sample " + p);
        return p;
    }

    static FeedAreas realAreas() throws FeedSetupException {
        return FeedAreas.load(RuleFolders.real());
    }

    /**
     * Counts the rows of a CSV (its first line the header) that a test picks, reading cells by header
     * name with a plain Commons CSV parse: independent of the adapters' own parsing and mapping.
     */
    static long countRows(Path csv, Predicate<CSVRecord> pick) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
        try (Reader r = withoutByteOrderMark(Files.newBufferedReader(csv, StandardCharsets.UTF_8));
             CSVParser p = CSVParser.parse(r, format)) {
            long n = 0;
            for (CSVRecord rec : p) {
                if (pick.test(rec)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** DfT's files start with a byte-order mark. */
    private static Reader withoutByteOrderMark(java.io.BufferedReader r) throws IOException {
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    static InputStream open(Path file) throws IOException {
        return Files.newInputStream(file);
    }

    /** Keeps every reading and rejection handed to it. */
    static final class Collected implements ReadingSink {
        final List<Reading> readings = new ArrayList<>();
        final List<RejectedReading> rejected = new ArrayList<>();

        @Override
        public void accept(Reading reading, String file, long row) {
            readings.add(reading);
        }

        @Override
        public void reject(RejectedReading r) {
            rejected.add(r);
        }

        Reading only(String area, String period) {
            List<Reading> found = readings.stream().filter(r -> r.area().equals(area) && r.period().toString().equals(period))
                    .toList();
            assertTrue(found.size() == 1, "expected one reading for " + area + " " + period + ", got " + found);
            return found.get(0);
        }

        /** The last reading made for an area and period (a later one revises an earlier one). */
        Reading last(String area, String period) {
            Reading last = null;
            for (Reading r : readings) {
                if (r.area().equals(area) && r.period().toString().equals(period)) {
                    last = r;
                }
            }
            assertTrue(last != null, "no reading for " + area + " " + period + " in " + readings);
            return last;
        }
    }
}
