package targetwatch.bench.feeds;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedProgress;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.PoliceStreetAdapter;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;

/**
 * The feed benchmark behind {@code bench/run-feeds-bench}: streams a whole force's month of data.police.uk
 * street-level incidents (Kent, 2019-01, 17,792 rows) through the police adapter 50 times a round (about
 * 890,000 incidents), against a plain Commons CSV parse of the same file the same number of times in the
 * same run, and reports incidents per second, their ratio (median of rounds), and peak memory: the heap's
 * peak, the heap in use after a full GC, and the process's peak resident set. Then it streams the 50
 * copies as one file through one adapter call, to show that memory does not grow with a file's length.
 */
public final class FeedsBench {

    private static final String ASB = "Anti-social behaviour";

    private final Path file;
    private final int passes;
    private final int rounds;
    private final FeedAreas areas;
    private final StringBuilder out = new StringBuilder();

    private FeedsBench(Path file, Path rules, int passes, int rounds) throws Exception {
        this.file = file;
        this.passes = passes;
        this.rounds = rounds;
        this.areas = FeedAreas.load(rules);
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/data/police-street/kent/2019-01-kent-street.csv");
        Path rules = Path.of("rules");
        int passes = 50;
        int rounds = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--file" -> file = Path.of(args[i + 1]);
                case "--rules" -> rules = Path.of(args[i + 1]);
                case "--passes" -> passes = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --file CSV --rules DIR --passes N --rounds N)");
            }
        }
        new FeedsBench(file, rules, passes, rounds).run();
    }

    private void run() throws Exception {
        long rows = plainPass();
        line("feeds benchmark: %s (%,d rows, %,d bytes), %d passes a round (%,d incidents), %d rounds after one warm-up",
                file.getFileName(), rows, Files.size(file), passes, rows * passes, rounds);
        line("java %s, %d cores, max heap %,d MB", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        line("");
        round(rows, -1);
        resetPeaks();
        List<Double> plain = new ArrayList<>();
        List<Double> adapter = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        line("%-7s %22s %22s %8s", "round", "plain CSV parse /s", "police adapter /s", "ratio");
        for (int r = 1; r <= rounds; r++) {
            double[] rates = round(rows, r);
            plain.add(rates[0]);
            adapter.add(rates[1]);
            ratio.add(rates[1] / rates[0]);
            line("%-7d %,22.0f %,22.0f %8.2f", r, rates[0], rates[1], rates[1] / rates[0]);
        }
        line("%-7s %,22.0f %,22.0f %8.2f", "median", median(plain), median(adapter), median(ratio));
        long peakHeap = peakHeap();
        line("");
        line("peak heap during the rounds: %,d MB; heap in use after a full GC: %,d MB", peakHeap >> 20, heapAfterGc() >> 20);

        resetPeaks();
        long before = heapAfterGc();
        long start = System.nanoTime();
        FeedReport report;
        try (InputStream in = concatenated(passes)) {
            report = new PoliceStreetAdapter().adapt(areas, "x" + passes, in, new Counting(), FeedProgress.NONE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        line("one stream of %d copies (%,d rows) through one adapter call: %.2f s, %,.0f incidents/s; peak heap %,d MB"
                + " (%,d MB in use before)", passes, report.rowsRead(), seconds, report.rowsRead() / seconds,
                peakHeap() >> 20, before >> 20);
        line("process peak resident set (VmHWM): %s", vmHwm());
        System.out.print(out);
    }

    /** One round: the plain parse and the adapter, each over the file {@code passes} times, in alternating order. */
    private double[] round(long rows, int round) throws IOException {
        double plain = 0;
        double adapted = 0;
        for (int i = 0; i < 2; i++) {
            boolean plainFirst = round % 2 == 0;
            if ((i == 0) == plainFirst) {
                long start = System.nanoTime();
                for (int p = 0; p < passes; p++) {
                    plainPass();
                }
                plain = rows * (double) passes / ((System.nanoTime() - start) / 1e9);
            } else {
                PoliceStreetAdapter adapter = new PoliceStreetAdapter();
                Counting sink = new Counting();
                long start = System.nanoTime();
                for (int p = 0; p < passes; p++) {
                    try (InputStream in = Files.newInputStream(file)) {
                        adapter.adapt(areas, file.getFileName().toString(), in, sink, FeedProgress.NONE);
                    }
                }
                adapted = rows * (double) passes / ((System.nanoTime() - start) / 1e9);
            }
        }
        if (round < 0) {
            System.err.printf(Locale.UK, "warm-up: plain %,.0f/s, adapter %,.0f/s%n", plain, adapted);
        } else {
            System.err.printf(Locale.UK, "round %d of %d done%n", round, rounds);
        }
        return new double[] {plain, adapted};
    }

    /** A plain parse: Commons CSV over the same bytes, counting the rows and looking at each row's Crime type. */
    private long plainPass() throws IOException {
        long rows = 0;
        long asb = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
             CSVParser p = CSVParser.parse(r, CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            int crimeType = p.getHeaderNames().indexOf("Crime type");
            for (CSVRecord rec : p) {
                rows++;
                if (rec.get(crimeType).equals(ASB)) {
                    asb++;
                }
            }
        }
        return asb >= 0 ? rows : 0;
    }

    /** The file {@code copies} times over as one stream, its header once. */
    private InputStream concatenated(int copies) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int body = 0;
        while (all[body] != '\n') {
            body++;
        }
        byte[] header = java.util.Arrays.copyOfRange(all, 0, body + 1);
        byte[] rows = java.util.Arrays.copyOfRange(all, body + 1, all.length);
        List<InputStream> parts = new ArrayList<>();
        parts.add(new ByteArrayInputStream(header));
        for (int i = 0; i < copies; i++) {
            parts.add(new ByteArrayInputStream(rows));
        }
        Enumeration<InputStream> e = Collections.enumeration(parts);
        return new SequenceInputStream(e);
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String vmHwm() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.UK, format, args)).append('\n');
    }

    /** Counts readings; keeps nothing. */
    private static final class Counting implements ReadingSink {
        private long readings;

        @Override
        public void accept(Reading reading, String file, long row) {
            readings++;
        }

        @Override
        public void reject(RejectedReading rejected) {
            readings--;
        }
    }
}
