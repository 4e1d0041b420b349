package targetwatch.bench.swap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.generated.ReadingFeed;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Target;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.RuleSetService;

/**
 * The rule set swap benchmark behind {@code bench/run-swap-bench}: how long a rule set change takes to validate,
 * build and swap in, and how long intake pauses meanwhile, on the service's own {@link RuleSetService} and
 * {@link IngestService} over an embedded H2 store holding readings (no broker or HTTP: the pause is the lock
 * every source waits on). Each round changes one target of the rule set and submits, previews and activates the
 * change while a partner thread sends one reading at a time through {@link IngestService#ingest}; the longest gap
 * between two readings it completed is the intake pause. Prints a plain-text table of medians; progress to stderr.
 */
public final class SwapBench {

    /** What a run measures and how often; every field has a command-line option. */
    record Options(Path rules, int targets, int held, int rounds, int largeRounds, int warmups, long feedEveryMs,
                   long quietMs) {

        static Options parse(String[] args) {
            Path rules = Path.of("rules");
            int targets = 1000;
            int held = 100_000;
            int rounds = 5;
            int largeRounds = 3;
            int warmups = 2;
            long feedEveryMs = 5;
            long quietMs = 3000;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--rules" -> rules = Path.of(value);
                    case "--targets" -> targets = Integer.parseInt(value);
                    case "--held" -> held = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--large-rounds" -> largeRounds = Integer.parseInt(value);
                    case "--warmups" -> warmups = Integer.parseInt(value);
                    case "--feed-every-ms" -> feedEveryMs = Long.parseLong(value);
                    case "--quiet-ms" -> quietMs = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --rules DIR"
                            + " --targets N --held N --rounds N --large-rounds N --warmups N --feed-every-ms N --quiet-ms N)");
                }
                i++;
            }
            return new Options(rules, targets, held, rounds, largeRounds, warmups, feedEveryMs, quietMs);
        }
    }

    /** The figures of one round, in milliseconds. */
    record Round(double validate, double submit, double preview, double activate, double uploadToActive,
                 double quietGap, double submitGap,
                 double previewGap, double activateGap, int ratingsChanged, long fed) {
    }

    /** The figures of one rule set's rounds. */
    record Figures(String name, int targets, int rules, long held, List<Round> rounds) {
    }

    private final Options options;

    private SwapBench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new SwapBench(Options.parse(args)).run();
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("targetwatch-swap-bench-");
        try {
            Path real = targetwatch.bench.BenchRules.takingAnyArea(options.rules(), work.resolve("rules"));
            Figures plan = rounds("rules/ (Maidstone)", real, work.resolve("plan"), options.rounds(), options.warmups());
            Path generated = GeneratedRuleSet.write(options.rules(), work.resolve("generated"), options.targets());
            Figures large = rounds("generated", generated, work.resolve("large"), options.largeRounds(), 0);
            System.out.print(report(started, loadBefore, plan, large));
        } finally {
            deleteTree(work);
        }
    }

    // ---- one rule set's rounds

    private Figures rounds(String name, Path folder, Path work, int rounds, int warmups) throws Exception {
        Files.createDirectories(work);
        JdbcStore store = JdbcStore.open("jdbc:h2:file:" + work.resolve("db").resolve("targetwatch").toAbsolutePath(), "", "");
        RuleSetService ruleSets = new RuleSetService(store, work.resolve("rulesets"), Clock.systemUTC());
        long t0 = System.nanoTime();
        IngestService service = new IngestService(ruleSets.startingRules(folder), store, EnumSet.of(Sink.TOPIC, Sink.EMAIL),
                Clock.systemUTC());
        ruleSets.attach(service, ruleSets.activeVersion());
        progress("%s: started on version %d (%d targets, %d rules) in %.0f ms", name, ruleSets.activeVersion(),
                service.ruleSet().targets().size(), service.ruleCount(), ms(System.nanoTime() - t0));
        try {
            List<Target> targets = service.ruleSet().targets();
            long held = hold(service, targets);
            progress("%s: holding %,d stored readings", name, held);
            Target changed = targets.stream().filter(t -> t.kind() == Kind.REDUCE_TO).findFirst().orElseThrow();
            Target fed = targets.stream().filter(t -> t.kind() == Kind.REDUCE_TO).skip(1).findFirst().orElse(changed);
            List<Round> measured = new ArrayList<>();
            try (Partner partner = new Partner(service, fed, options.feedEveryMs())) {
                for (int i = 1 - warmups; i <= rounds; i++) {
                    Round r = round(ruleSets, partner, folder, changed, i);
                    progress("%s: %s %d/%d: validate %.0f ms, submit %.0f ms, preview %.0f ms, activate %.0f ms (%d ratings"
                                    + " changed); longest intake gap: quiet %.0f ms, submit %.0f ms, preview %.0f ms,"
                                    + " activate %.0f ms (%d readings fed)",
                            name, i >= 1 ? "round" : "warm-up", i >= 1 ? i : i + warmups, i >= 1 ? rounds : warmups,
                            r.validate(), r.submit(), r.preview(), r.activate(), r.ratingsChanged(), r.quietGap(),
                            r.submitGap(), r.previewGap(), r.activateGap(), r.fed());
                    if (i >= 1) {
                        measured.add(r);
                    }
                }
            }
            return new Figures(name, targets.size(), service.ruleCount(), held, measured);
        } finally {
            service.close();
            store.close();
        }
    }

    /** Stores and holds readings for every target, as a partnership's history would be. */
    private long hold(IngestService service, List<Target> targets) {
        ReadingFeed feed = ReadingFeed.generate(targets, options.held(), 2012, 2018);
        List<IngestService.Positioned> batch = new ArrayList<>();
        long n = 0;
        for (Reading r : feed.readings()) {
            batch.add(new IngestService.Positioned(r, ++n));
            if (batch.size() == 500) {
                service.ingest("history", batch);
                batch.clear();
            }
        }
        service.ingest("history", batch);
        return service.store().readingCount();
    }

    /**
     * One change: the target of {@code changed} moved (alternately down by a fifth and back), validated, submitted
     * (validate, build beside the running rule set, store as a candidate), previewed, then activated, with a quiet
     * spell before it to measure intake undisturbed.
     */
    private Round round(RuleSetService ruleSets, Partner partner, Path folder, Target changed, int round) throws Exception {
        Map<String, String> files = new TreeMap<>(RuleSetFiles.read(folder));
        BigDecimal target = round % 2 == 0 ? changed.target() : changed.target().multiply(new BigDecimal("0.8"))
                .setScale(changed.target().scale(), java.math.RoundingMode.HALF_UP);
        files.put(RuleSetLoader.TARGETS, withTarget(files.get(RuleSetLoader.TARGETS), changed.indicator(), target));

        System.gc();
        long fedBefore = partner.completed();
        long q0 = partner.awaitNext();
        Thread.sleep(options.quietMs());
        long q1 = System.nanoTime();
        double quietGap = partner.longestGap(q0, q1);

        Path check = Files.createTempDirectory(folder.getParent(), "validate-");
        RuleSetFiles.write(files, check);
        long v0 = System.nanoTime();
        new RuleSetLoader().load(check);
        double validate = ms(System.nanoTime() - v0);
        deleteTree(check);

        // the upload as the secretariat's page and POST /api/rulesets make it: targets.csv alone, laid over the
        // active version's other files, then previewed and activated as previewed
        int activeBefore = ruleSets.activeVersion();
        long s0 = System.nanoTime();
        RuleSetService.Submission submission = ruleSets.submitOverActive(
                Map.of(RuleSetLoader.TARGETS, files.get(RuleSetLoader.TARGETS)), "bench", "round " + round);
        long s1 = System.nanoTime();
        if (submission.refused()) {
            throw new IllegalStateException("the changed rule set was refused: " + submission.errors());
        }
        double submitGap = partner.longestGap(s0, s1);

        long p0 = System.nanoTime();
        ruleSets.preview(submission.version()).close();
        long p1 = System.nanoTime();
        double previewGap = partner.longestGap(p0, p1);

        long a0 = System.nanoTime();
        RuleEngine.Rebuilt activated = ruleSets.activateAsPreviewed(submission.version(), activeBefore, "bench");
        long a1 = System.nanoTime();
        if (ruleSets.activeVersion() != submission.version()) {
            throw new IllegalStateException("version " + submission.version() + " is not active after its activation");
        }
        double activateGap = partner.longestGap(a0, a1);
        return new Round(validate, ms(s1 - s0), ms(p1 - p0), ms(a1 - a0), ms(a1 - s0), quietGap, submitGap, previewGap,
                activateGap, activated.ratings().size(), partner.completed() - fedBefore);
    }

    /** targets.csv with the target of one indicator's row set (its tenth column). */
    private static String withTarget(String csv, String indicator, BigDecimal target) {
        List<String> lines = new ArrayList<>(csv.lines().toList());
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).startsWith(indicator + ",")) {
                List<String> cells = splitCsv(lines.get(i));
                cells.set(9, target.toPlainString());
                lines.set(i, String.join(",", cells));
                return String.join("\n", lines) + "\n";
            }
        }
        throw new IllegalStateException("no row for " + indicator);
    }

    /** The cells of one CSV line, quoted cells kept quoted. */
    private static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    // ---- the partner sending readings meanwhile

    /**
     * A partner's system sending one reading at a time through {@link IngestService#ingest} (as each JMS message,
     * file or request does), pausing {@code everyMs} between them; it revises the readings of 200 wards in turn, so
     * the engine holds no more readings as the run goes on. Records when each reading was done.
     */
    private static final class Partner implements AutoCloseable {
        private static final int WARDS = 200;
        private final long[] done = new long[2_000_000];
        private volatile int count;
        private volatile boolean stop;
        private final Thread thread;

        Partner(IngestService service, Target target, long everyMs) {
            BigDecimal low = target.target();
            BigDecimal high = target.target().add(BigDecimal.ONE);
            Period period = switch (target.frequency()) {
                case MONTH -> Period.month(2017, 12);
                case QUARTER -> Period.quarter(2017, 4);
                case YEAR -> Period.year(2017);
                case FINANCIAL_YEAR -> Period.financialYear(2017);
            };
            thread = new Thread(() -> {
                long n = 0;
                while (!stop) {
                    String area = String.format("swap-feed-%03d", n % WARDS);
                    BigDecimal value = (n / WARDS) % 2 == 0 ? low : high;
                    Reading r = new Reading("maidstone", target.indicator(), area, period, value, "bench-partner", null, null);
                    try {
                        service.ingest("bench-partner", List.of(new IngestService.Positioned(r, 1)));
                    } catch (RuntimeException e) {
                        progress("the partner's reading failed: %s", e);
                    }
                    if (count < done.length) {
                        done[count] = System.nanoTime();
                        count = count + 1;
                    }
                    n++;
                    try {
                        Thread.sleep(everyMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-partner");
            thread.setDaemon(true);
            thread.start();
        }

        long completed() {
            return count;
        }

        /** Waits for the next reading done, and returns when it was: a start for a window no earlier pause reaches into. */
        long awaitNext() throws InterruptedException {
            int seen = count;
            while (count == seen) {
                Thread.sleep(1);
            }
            return done[seen];
        }

        /**
         * The longest time between two readings done, of those gaps that overlap [from, to]: waits for the first
         * reading done after {@code to}, so that a gap running past the end counts whole.
         */
        double longestGap(long from, long to) throws InterruptedException {
            while (count == 0 || done[count - 1] <= to) {
                Thread.sleep(1);
            }
            int n = count;
            long longest = 0;
            for (int i = 1; i < n; i++) {
                if (done[i] > from && done[i - 1] < to) {
                    longest = Math.max(longest, done[i] - done[i - 1]);
                }
            }
            return ms(longest);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    // ---- report

    private String report(Instant started, String loadBefore, Figures... figures) {
        StringBuilder out = new StringBuilder();
        Runtime rt = Runtime.getRuntime();
        out.append(String.format(Locale.ROOT, "targetwatch rule set swap benchmark, %s%n", started.truncatedTo(ChronoUnit.SECONDS)));
        out.append(String.format(Locale.ROOT, "Java %s, %d cores, max heap %,d MB, JVM options %s%n",
                System.getProperty("java.version"), rt.availableProcessors(), rt.maxMemory() / 1024 / 1024,
                ManagementFactory.getRuntimeMXBean().getInputArguments()));
        out.append(String.format(Locale.ROOT, "load average (1/5/15 min) at start %s, at end %s%n", loadBefore, loadAverage()));
        out.append(String.format(Locale.ROOT, "%nEach round moves one reduce-to target (down by a fifth, then back) and puts the change through%n"
                + "RuleSetService on an embedded H2 store as an upload of targets.csv does: validate = RuleSetLoader.load%n"
                + "of the files; submit = submitOverActive (laid over the active version's files, validate, build beside%n"
                + "the running rule set with RuleCompiler, store as a candidate); preview = replay of the held readings%n"
                + "under the candidate; activate = activateAsPreviewed: that replay beside intake, the catch-up under the%n"
                + "ingest lock, storing what changed and the swap; upload to active = from the upload's start to the end%n"
                + "of its activation (the page's path, with its preview; the API's without it is submit + activate). Meanwhile a partner thread sends one reading at a time through IngestService.ingest,%n"
                + "%d ms apart; intake gap = the longest time between two readings it completed (quiet = %d ms before%n"
                + "the round with nothing else running). Wall-clock ms, median [min-max] over the rounds%n"
                + "(%d warm-up rounds of rules/ not counted; the generated set runs in the JVM they warmed).%n",
                options.feedEveryMs(), options.quietMs(), options.warmups()));
        for (Figures f : figures) {
            List<Round> r = f.rounds();
            out.append(String.format(Locale.ROOT, "%n  %s: %d targets, %d rules, %,d stored readings held, %d rounds%n",
                    f.name(), f.targets(), f.rules(), f.held(), r.size()));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "validate ms", ms(r, Round::validate)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "submit (validate + build + store) ms", ms(r, Round::submit)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "activate (replay + store + swap) ms", ms(r, Round::activate)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "upload to active, API (submit + activate) ms",
                    ms(r, x -> x.submit() + x.activate())));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "preview ms", ms(r, Round::preview)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "upload to active, the page's path ms",
                    ms(r, Round::uploadToActive)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "ratings a swap changed", ms(r, x -> x.ratingsChanged())));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "longest intake gap, quiet ms", ms(r, Round::quietGap)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "longest intake gap during submit ms", ms(r, Round::submitGap)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "longest intake gap during preview ms", ms(r, Round::previewGap)));
            out.append(String.format(Locale.ROOT, "    %-44s %s%n", "longest intake gap during activate ms", ms(r, Round::activateGap)));
        }
        out.append(String.format(Locale.ROOT, "%nrun took %s%n",
                Duration.between(started, Instant.now()).truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(Locale.ROOT)));
        return out.toString();
    }

    private static String ms(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
        List<Double> values = new ArrayList<>(rounds.stream().map(figure::applyAsDouble).toList());
        if (values.isEmpty()) {
            return "n/a";
        }
        Collections.sort(values);
        int n = values.size();
        double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%,10.0f [%,.0f-%,.0f] n=%d", median, values.get(0), values.get(n - 1), n);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
