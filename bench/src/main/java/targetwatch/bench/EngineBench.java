package targetwatch.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.generated.ReadingFeed;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;

/**
 * The engine benchmark behind {@code bench/run-engine-bench}: cold and warm rule set build times for the
 * real rule set and a generated large one, and readings assessed per second in one engine session against
 * the same readings merely parsed from CSV. Prints a plain-text table of medians; progress goes to stderr.
 */
public final class EngineBench {

    private final Options options;
    private final StringBuilder table = new StringBuilder();

    private EngineBench(Options options) {
        this.options = options;
    }

    /** What a run measures and how often; every field has a command-line option. */
    record Options(Path rules, int targets, int readings, int firstYear, int lastYear, int coldRounds,
                   int largeColdRounds, int buildRounds, int largeBuildRounds, int rounds) {

        static Options parse(String[] args) {
            Path rules = Path.of("rules");
            int targets = 1000;
            int readings = 100_000;
            int coldRounds = 3;
            int largeColdRounds = 1;
            int buildRounds = 5;
            int largeBuildRounds = 3;
            int rounds = 3;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--rules" -> rules = Path.of(required(args[i], value));
                    case "--targets" -> targets = Integer.parseInt(required(args[i], value));
                    case "--readings" -> readings = Integer.parseInt(required(args[i], value));
                    case "--cold-rounds" -> coldRounds = Integer.parseInt(required(args[i], value));
                    case "--large-cold-rounds" -> largeColdRounds = Integer.parseInt(required(args[i], value));
                    case "--build-rounds" -> buildRounds = Integer.parseInt(required(args[i], value));
                    case "--large-build-rounds" -> largeBuildRounds = Integer.parseInt(required(args[i], value));
                    case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --rules DIR"
                            + " --targets N --readings N --cold-rounds N --large-cold-rounds N --build-rounds N --large-build-rounds N --rounds N)");
                }
                i++;
            }
            return new Options(rules, targets, readings, 2012, 2018, coldRounds, largeColdRounds, buildRounds,
                    largeBuildRounds, rounds);
        }

        private static String required(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    /** The figures of one rule set's builds. */
    private record BuildFigures(String name, int targets, int rules, Samples cold, Samples warm, Samples warmValidate) {
    }

    public static void main(String[] args) throws Exception {
        new EngineBench(Options.parse(args)).run();
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("targetwatch-bench-");
        try {
            Path generated = GeneratedRuleSet.write(options.rules(), work.resolve("generated-" + options.targets()), options.targets());
            progress("generated a %d-target rule set in %s", options.targets(), generated);

            // the warm-up builds of rules/ warm this JVM for the large set too: the live engine rebuilds in a JVM
            // that has built rule sets before, and one more large build would cost a minute
            BuildFigures real = builds("rules/ (Maidstone)", options.rules(), options.coldRounds(), options.buildRounds(), 3);
            BuildFigures large = builds("generated", generated, options.largeColdRounds(), options.largeBuildRounds(), 0);

            CompiledRules compiled = new RuleCompiler().load(BenchRules.takingAnyArea(options.rules(),
                    work.resolve("rules-any-area")));
            ReadingFeed feed = ReadingFeed.generate(compiled.ruleSet().targets(), options.readings(), options.firstYear(),
                    options.lastYear());
            Path csv = work.resolve("readings.csv");
            feed.writeCsv(csv);
            progress("wrote %,d readings (%,d bytes) to %s", feed.readings().size(), Files.size(csv), csv);
            String throughput = throughput(compiled, feed, csv, "the generated feed: each reading an independent draw"
                    + " within 15% of its target's centre, so about one in two opens, changes or resolves an alert");
            ReadingFeed drifting = ReadingFeed.generateDrifting(compiled.ruleSet().targets(), options.readings(),
                    options.firstYear(), options.lastYear());
            Path driftingCsv = work.resolve("readings-drifting.csv");
            drifting.writeCsv(driftingCsv);
            throughput += throughput(compiled, drifting, driftingCsv, "the same areas and periods, each series drifting"
                    + " by at most 2% a period as real ones do, so its rating changes now and then");
            String memory = heldInMemory();

            header(started, loadBefore);
            buildTable(real, large);
            table.append(throughput);
            table.append(memory);
            table.append(String.format(Locale.ROOT, "%nrun took %s%n",
                    Duration.between(started, Instant.now()).truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(Locale.ROOT)));
            System.out.print(table);
        } finally {
            deleteTree(work);
        }
    }

    // ---- rule set builds ----

    private BuildFigures builds(String name, Path folder, int coldRounds, int rounds, int warmups) throws Exception {
        Samples cold = new Samples();
        int rules = 0;
        for (int i = 1; i <= coldRounds; i++) {
            long[] figures = coldBuild(folder);
            cold.add(figures[0] / 1e6);
            rules = (int) figures[2];
            progress("%s: cold build %d/%d: %.0f ms (compile %.0f ms, %d rules)", name, i, coldRounds,
                    figures[0] / 1e6, figures[1] / 1e6, rules);
        }
        Samples warm = new Samples();
        Samples warmValidate = new Samples();
        RuleCompiler compiler = new RuleCompiler();
        int targets = 0;
        for (int i = 1 - warmups; i <= rounds; i++) {
            System.gc();
            long t0 = System.nanoTime();
            CompiledRules compiled = compiler.load(folder);
            double ms = (System.nanoTime() - t0) / 1e6;
            targets = compiled.ruleSet().targets().size();
            rules = compiled.ruleCount();
            if (i >= 1) {
                warm.add(ms);
                warmValidate.add(ms - compiled.buildTime().toNanos() / 1e6);
            }
            progress("%s: %s build %d/%d: %.0f ms (compile %.0f ms, %d rules)", name, i >= 1 ? "warm" : "warm-up",
                    i >= 1 ? i : i + warmups, i >= 1 ? rounds : warmups, ms, compiled.buildTime().toNanos() / 1e6, rules);
        }
        return new BuildFigures(name, targets, rules, cold, warm, warmValidate);
    }

    /** Builds the rule set in a fresh JVM with this JVM's options; returns wall nanos, compile nanos, rule count. */
    private static long[] coldBuild(Path folder) throws IOException, InterruptedException {
        return ColdBuild.inFreshJvm(folder, false);
    }

    // ---- memory ----

    /** The heap a JVM allowed 512 MB needs to hold 13 partnerships x 30 indicators x 10 years of monthly readings. */
    private String heldInMemory() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HeldInMemory.class.getName());
        command.add(options.rules().toString());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = p.waitFor();
        if (exit != 0) {
            return String.format(Locale.ROOT, "%nHeld in memory: FAILED in a 512 MB heap (exit code %d): %s%n", exit, out);
        }
        String[] parts = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        long readings = Long.parseLong(parts[0]);
        long used = Long.parseLong(parts[1]);
        long max = Long.parseLong(parts[2]);
        progress("held in memory: %,d readings, %,d MB used of %,d MB", readings, used >> 20, max >> 20);
        return String.format(Locale.ROOT, "%nHeld in memory: %d partnerships x %d indicators x %d years of monthly readings in one session,"
                        + " in a JVM of its own with -Xmx512m%n  %,d readings held; heap used after a full collection %,d MB of %,d MB"
                        + " (ratio %.2f); %s s to load%n", HeldInMemory.PARTNERSHIPS, HeldInMemory.INDICATORS, HeldInMemory.YEARS,
                readings, used >> 20, max >> 20, (double) used / max, parts[3]);
    }

    // ---- reading throughput ----

    /** Counts what a parse produced, and folds every value in so that none of the work can be skipped. */
    private static final class CountingSink implements ReadingSink {
        private final List<Reading> kept;
        private long accepted;
        private long rejected;
        private long checksum;

        CountingSink(List<Reading> kept) {
            this.kept = kept;
        }

        @Override
        public void accept(Reading reading, String file, long row) {
            accepted++;
            checksum += reading.value().unscaledValue().longValue() ^ reading.period().hashCode();
            if (kept != null) {
                kept.add(reading);
            }
        }

        @Override
        public void reject(RejectedReading r) {
            rejected++;
        }
    }

    private String throughput(CompiledRules compiled, ReadingFeed feed, Path csv, String which) throws Exception {
        List<Reading> readings = new ArrayList<>(feed.readings().size());
        CountingSink first = parse(csv, readings);
        if (first.rejected > 0 || first.accepted != feed.readings().size()) {
            throw new IllegalStateException("the generated CSV did not parse cleanly: " + first.accepted + " accepted, "
                    + first.rejected + " rejected of " + feed.readings().size());
        }
        Samples parsed = new Samples();
        Samples assessed = new Samples();
        Samples ratio = new Samples();
        long changed = 0;
        long alertEvents = 0;
        long invalid = 0;
        for (int i = 0; i <= options.rounds(); i++) {
            System.gc();
            long t0 = System.nanoTime();
            CountingSink sink = parse(csv, null);
            double parseSeconds = (System.nanoTime() - t0) / 1e9;

            System.gc();
            long assessments = 0;
            long events = 0;
            long failures = 0;
            long t1;
            long t2;
            try (RuleEngine engine = new RuleEngine(compiled)) {
                t1 = System.nanoTime();
                for (Reading r : readings) {
                    try {
                        Outcome o = engine.process(r);
                        assessments += o.assessments().size();
                        events += o.alertEvents().size();
                    } catch (InvalidReadingException e) {
                        failures++;
                    }
                }
                t2 = System.nanoTime();
            }
            double assessSeconds = (t2 - t1) / 1e9;
            double parsedPerSecond = sink.accepted / parseSeconds;
            double assessedPerSecond = readings.size() / assessSeconds;
            progress("throughput %s: parsed %,.0f/s (%.2f s), assessed %,.0f/s (%.1f s), %,d assessments changed, "
                            + "%,d alert events, %d invalid", i == 0 ? "warm-up" : "round " + i + "/" + options.rounds(),
                    parsedPerSecond, parseSeconds, assessedPerSecond, assessSeconds, assessments, events, failures);
            if (i > 0) {
                parsed.add(parsedPerSecond);
                assessed.add(assessedPerSecond);
                ratio.add(assessedPerSecond / parsedPerSecond);
                changed = assessments;
                alertEvents = events;
                invalid = failures;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nReading throughput over %s;%n"
                + "one RuleEngine session per round, process(reading) one at a time;%n"
                + "median of %d rounds after 1 warm-up round (each round: parse the CSV, then assess in a new session)%n",
                which, options.rounds()));
        out.append(String.format(Locale.ROOT, "  readings: %,d over %d indicators, kent + maidstone + %d wards (ward-001..ward-%03d),%n"
                        + "            periods %d-%d in each indicator's notation, 2%% late corrections; CSV %,d bytes%n",
                readings.size(), compiled.ruleSet().targets().size(), feed.wards(), feed.wards(), feed.firstYear(),
                feed.lastYear(), Files.size(csv)));
        out.append(String.format(Locale.ROOT, "  per session: %,d assessments changed, %,d alert events, %d readings refused%n",
                changed, alertEvents, invalid));
        out.append(String.format(Locale.ROOT, "  %-44s %14s %14s %14s%n", "", "median", "min", "max"));
        out.append(rate("parsed/s   (ReadingFormat.parse, CSV file)", parsed));
        out.append(rate("assessed/s (RuleEngine.process, one session)", assessed));
        out.append(String.format(Locale.ROOT, "  %-44s %14.4f %14.4f %14.4f%n", "ratio assessed/s / parsed/s (per round)",
                ratio.median(), ratio.min(), ratio.max()));
        return out.toString();
    }

    private static String rate(String label, Samples s) {
        return String.format(Locale.ROOT, "  %-44s %,14.0f %,14.0f %,14.0f%n", label, s.median(), s.min(), s.max());
    }

    private static CountingSink parse(Path csv, List<Reading> kept) throws IOException {
        CountingSink sink = new CountingSink(kept);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(csv))) {
            new ReadingFormat().parse(csv.getFileName().toString(), in, sink);
        }
        return sink;
    }

    // ---- report ----

    private void header(Instant started, String loadBefore) {
        Runtime rt = Runtime.getRuntime();
        table.append(String.format(Locale.ROOT, "targetwatch engine benchmark, %s%n", started.truncatedTo(ChronoUnit.SECONDS)));
        table.append(String.format(Locale.ROOT, "Java %s, %d cores, max heap %,d MB, JVM options %s%n",
                System.getProperty("java.version"), rt.availableProcessors(), rt.maxMemory() / 1024 / 1024,
                ManagementFactory.getRuntimeMXBean().getInputArguments()));
        table.append(String.format(Locale.ROOT, "load average (1/5/15 min) at start %s, at end %s%n", loadBefore, loadAverage()));
    }

    /** The machine's load averages, to read the figures by: other work on a 2-core machine moves them. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void buildTable(BuildFigures... figures) {
        table.append(String.format(Locale.ROOT, "%nRule set build: RuleCompiler.load (validate + compile), wall-clock ms, median [min-max];%n"
                + "cold = first load in a fresh JVM (one JVM per round); warm = loads in the bench JVM after 3 warm-up%n"
                + "builds of rules/ (which warm it for the generated set too);%n"
                + "validate = the part of a warm load outside the compile CompiledRules.buildTime() reports%n"));
        table.append(String.format(Locale.ROOT, "  %-20s %7s %6s %30s %30s %12s%n", "rule set", "targets", "rules",
                "cold ms", "warm ms", "validate ms"));
        for (BuildFigures f : figures) {
            table.append(String.format(Locale.ROOT, "  %-20s %7d %6d %30s %30s %12s%n", f.name(), f.targets(), f.rules(),
                    ms(f.cold()), ms(f.warm()), String.format(Locale.ROOT, "%,.0f", f.warmValidate().median())));
        }
    }

    private static String ms(Samples s) {
        return String.format(Locale.ROOT, "%,.0f [%,.0f-%,.0f] n=%d", s.median(), s.min(), s.max(), s.size());
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
