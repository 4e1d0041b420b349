package targetwatch.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import targetwatch.engine.alerts.NoiseReport;
import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedKind;
import targetwatch.engine.feeds.FeedRefusedException;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.FeedSetupException;
import targetwatch.engine.feeds.Feeds;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.Now;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.FeedFanout;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLayout;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * The engine's commands, with no broker or server: {@code replay FILE... [--rules DIR] [--json] [--as-of DATE]}
 * and {@code rules validate DIR}. A FILE may be a folder (its files in name order) and may be a partner feed
 * as published (data.police.uk street-level, DfT STATS19, DEFRA fly-tipping), recognised by its header and
 * turned into readings through {@link Feeds}. Exit status 0 on success, 1 for a refused rule set, 2 for
 * bad usage or an unreadable file.
 * <p>
 * A replay takes the readings of all its files in the order they arrived ({@link #arrival(Reading)}), with the
 * engine's clock following them through every working hour of every working day, so that alert events (escalations after
 * working days, reminders, late data) happen on their own days; {@code --as-of DATE} leaves out what arrived
 * after that day and runs the clock on to 18:00 on it.
 */
public final class EngineCli {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final Path home;

    /**
     * @param home the folder whose {@code rules/} is the default rule set
     */
    public EngineCli(PrintStream out, PrintStream err, Path home) {
        this.out = out;
        this.err = err;
        this.home = home;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("targetwatch.home", "."));
        System.exit(new EngineCli(System.out, System.err, home).run(args));
    }

    /** Runs a command and returns its exit status. */
    public int run(String... args) {
        if (args.length >= 1 && args[0].equals("replay")) {
            return replay(List.of(args).subList(1, args.length));
        }
        if (args.length == 3 && args[0].equals("rules") && args[1].equals("validate")) {
            return validate(Path.of(args[2]));
        }
        usage();
        return USAGE;
    }

    private void usage() {
        err.println("usage: targetwatch replay FILE... [--rules DIR] [--json] [--as-of yyyy-mm-dd]"
                + "   (FILE: a reading file, a feed file or a folder)");
        err.println("       targetwatch rules validate DIR");
    }

    /**
     * {@code rules validate DIR}: OK, or every error as {@code file:row:column: message}. DIR is one partnership's
     * folder or a root of partnership folders, each checked (with the root's shared files) and named in its errors.
     */
    int validate(Path dir) {
        try {
            RuleSetLayout layout = RuleSetLayout.of(dir);
            List<String> summaries = new ArrayList<>();
            compile(layout).forEach((id, rules) -> summaries.add(layout.partnerships().get(id) + ": "
                    + rules.ruleSet().targets().size() + " targets, " + rules.ruleSet().contacts().size() + " contacts, "
                    + rules.ruleCount() + " rules"));
            Path feedFolder = layout.single() ? dir : layout.shared();
            String feeds = "";
            if (FeedAreas.present(feedFolder)) {
                try {
                    FeedAreas areas = FeedAreas.load(feedFolder);
                    feeds = "; feeds: " + areas.all().size() + " areas, readings for "
                            + String.join(", ", areas.reported().stream().map(FeedAreas.Area::slug).toList());
                } catch (FeedSetupException e) {
                    e.errors().forEach(out::println);
                    return REFUSED;
                }
            }
            out.println("OK");
            if (layout.single()) {
                err.println(summaries.get(0) + feeds);
            } else {
                summaries.forEach(err::println);
                err.println(dir + ": " + summaries.size() + " partnerships" + feeds);
            }
            return OK;
        } catch (RuleSetRejectedException e) {
            e.errors().stream().map(RuleSetError::toString).forEach(out::println);
            return REFUSED;
        }
    }

    int replay(List<String> args) {
        List<Path> files = new ArrayList<>();
        Path rulesDir = home.resolve("rules");
        boolean json = false;
        LocalDate asOf = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--rules") && i + 1 < args.size()) {
                rulesDir = Path.of(args.get(++i));
            } else if (a.equals("--as-of")) {
                if (i + 1 >= args.size()) {
                    err.println("--as-of needs a date written yyyy-mm-dd");
                    usage();
                    return USAGE;
                }
                String text = args.get(++i);
                try {
                    asOf = LocalDate.parse(text);
                } catch (DateTimeParseException e) {
                    err.println("--as-of: \"" + text + "\" is not a date written yyyy-mm-dd");
                    usage();
                    return USAGE;
                }
            } else if (a.startsWith("--")) {
                err.println("unknown option " + a);
                usage();
                return USAGE;
            } else if (Files.isDirectory(Path.of(a))) {
                try {
                    files.addAll(folder(Path.of(a)));
                } catch (IOException e) {
                    err.println(a + ": cannot be listed: " + e.getMessage());
                    return USAGE;
                }
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            usage();
            return USAGE;
        }
        RuleSetLayout layout;
        Map<String, CompiledRules> compiled;
        try {
            layout = RuleSetLayout.of(rulesDir);
            compiled = compile(layout);
        } catch (RuleSetRejectedException e) {
            err.println("the rule set in " + rulesDir + " was refused:");
            e.errors().forEach(x -> err.println("  " + x));
            return REFUSED;
        }
        List<Tenant> tenants = new ArrayList<>();
        try {
            for (Map.Entry<String, CompiledRules> c : compiled.entrySet()) {
                tenants.add(new Tenant(c.getKey(), layout.partnerships().get(c.getKey()), c.getValue(), json));
            }
            return replay(files, layout.single() ? rulesDir : layout.shared(), !layout.single(), tenants, json, asOf);
        } finally {
            tenants.forEach(t -> t.engine.close());
        }
    }

    /**
     * Every partnership's rule set of a layout, loaded with the root's shared files and compiled, by id; or every
     * error of all of them, each under its partnership's folder name.
     */
    private static Map<String, CompiledRules> compile(RuleSetLayout layout) throws RuleSetRejectedException {
        Map<String, CompiledRules> compiled = new java.util.TreeMap<>();
        RuleCompiler compiler = new RuleCompiler();
        for (Map.Entry<String, RuleSet> set : layout.load(new RuleSetLoader()).entrySet()) {
            compiled.put(set.getKey(), compiler.compile(set.getValue()));
        }
        return compiled;
    }

    /**
     * Reads every file into the partnerships' replays (a feed's readings fanned out to each partnership taking their
     * area, a reading file's to the partnership each row names), then runs each partnership's replay on its own clock
     * and prints what it made: partnership by partnership, each under its name, when the rule sets are a root of
     * partnership folders; as before for one folder.
     */
    private int replay(List<Path> files, Path feedFolder, boolean several, List<Tenant> tenants, boolean json, LocalDate asOf) {
        Router router = new Router(tenants, several, feedFolder);
        ReadingFormat format = new ReadingFormat();
        Set<String> targeted = new TreeSet<>();
        tenants.forEach(t -> t.rules.ruleSet().targets().forEach(x -> targeted.add(x.indicator())));
        FeedReplay feeds = new FeedReplay(feedFolder, router, new Feeds(targeted));
        for (Path f : files) {
            try {
                Optional<FeedKind> kind = f.toString().toLowerCase().endsWith(".json") ? Optional.empty() : Feeds.recognise(f);
                if (kind.isPresent()) {
                    if (!feeds.replay(f, kind.get())) {
                        return USAGE;
                    }
                    continue;
                }
                try (InputStream in = Files.newInputStream(f)) {
                    format.parse(f.toString(), in, router);
                }
            } catch (IOException e) {
                err.println(f + ": cannot be read: " + e.getMessage());
                return USAGE;
            }
        }
        long taken = 0;
        long rejected = router.rejected;
        long leftOut = 0;
        long history = 0;
        for (Tenant t : tenants) {
            if (several) {
                if (json) {
                    out.println(EventJson.partnershipLine(t.id, t.name(), t.folder.toString()));
                } else {
                    out.println(t.heading());
                }
            }
            Replay replay = t.replay;
            replay.run(asOf);
            replay.summarise();
            if (json && several) {
                out.println(EventJson.line(replay.noise, t.id));
            }
            if (!json) {
                t.printSections();
                new StatusTable(t.rules.ruleSet(), t.engine.latest()).print(out);
                if (several) {
                    out.println();
                }
            }
            taken += replay.taken;
            rejected += replay.rejected;
            leftOut += replay.leftOut;
            history += replay.history;
        }
        if (leftOut > 0) {
            err.println(leftOut + " reading" + (leftOut == 1 ? "" : "s") + " left out: "
                    + (leftOut == 1 ? "it arrives" : "they arrive") + " after " + asOf + " (--as-of)");
        }
        if (several) {
            for (Tenant t : tenants) {
                err.println(t.id + ": " + t.replay.taken + " readings taken; " + t.replay.noise.summaryLine());
            }
            if (router.untaken > 0) {
                err.println(router.untaken + " feed reading" + (router.untaken == 1 ? "" : "s")
                        + " for an area no partnership takes (not rated)");
            }
        }
        err.println(taken + " readings taken from " + files.size() + " file" + (files.size() == 1 ? "" : "s")
                + (several ? " for " + tenants.size() + " partnership" + (tenants.size() == 1 ? "" : "s") : "")
                + (rejected == 0 ? "" : "; " + rejected + " rejected (listed above)")
                + (history == 0 ? "" : "; " + history + " of them history (periods long past)"));
        if (!several) {
            err.println(tenants.get(0).replay.noise.summaryLine());
        }
        if (json && !several) {
            out.println(EventJson.line(tenants.get(0).replay.noise));
        }
        return OK;
    }

    /**
     * When a reading reaches the partnership: its {@code reportedAt} when the partner gave one, otherwise 09:00
     * (Europe/London) on the day after its period ends.
     */
    static Instant arrival(Reading r) {
        if (r.reportedAt() != null) {
            return r.reportedAt();
        }
        return r.period().end().plusDays(1).atTime(DEFAULT_ARRIVAL).atZone(Now.ZONE).toInstant();
    }

    /** When a reading without {@code reportedAt} is taken to arrive, on the day after its period ends. */
    static final LocalTime DEFAULT_ARRIVAL = LocalTime.of(9, 0);
    /** Where the clock stops on the {@code --as-of} day: the end of its working day. */
    static final LocalTime AS_OF_TIME = WorkingDays.CLOSES;

    /** A folder's files in name order: reading files (.csv, .json) and feed workbooks (.xlsx); hidden files left out. */
    static List<Path> folder(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && (ReadingFormat.isReadingFile(n) || n.toLowerCase().endsWith(".xlsx"));
            }).sorted().toList();
        }
    }

    /**
     * Turns feed files into readings through the adapters (months and years carry from one file to the
     * next), hands each reading to the partnerships that take it, and reports what each file held on standard error.
     */
    private final class FeedReplay {
        private static final long PROGRESS_BYTES = 1L << 20;
        private final Path rulesDir;
        private final Router router;
        private final Feeds feeds;
        private FeedAreas areas;

        FeedReplay(Path rulesDir, Router router, Feeds feeds) {
            this.rulesDir = rulesDir;
            this.router = router;
            this.feeds = feeds;
        }

        /** False when the rule set's feed files are refused, so that no feed can be read. */
        boolean replay(Path file, FeedKind kind) throws IOException {
            if (areas == null) {
                try {
                    areas = FeedAreas.load(rulesDir);
                } catch (FeedSetupException e) {
                    err.println(file + ": is " + kind.description() + ", but the rule set's feed files were refused:");
                    e.errors().forEach(x -> err.println("  " + x));
                    return false;
                }
            }
            String name = file.getFileName().toString();
            String title = name + " (" + kind.description() + "):";
            long size = Files.size(file);
            Progress progress = new Progress(name, size);
            try (CountingInputStream in = new CountingInputStream(Files.newInputStream(file))) {
                progress.in = in;
                FeedReport report = feeds.adapt(kind, areas, name, in, new ReadingSink() {
                    @Override
                    public void accept(Reading reading, String f, long row) {
                        router.feedReading(title, reading, f, row);
                    }

                    @Override
                    public void reject(RejectedReading r) {
                        router.reject(r);
                    }
                }, size >= PROGRESS_BYTES ? progress : rows -> { });
                progress.done();
                report.lines().forEach(err::println);
            } catch (FeedRefusedException e) {
                progress.done();
                router.reject(new RejectedReading(name, 1, e.reason(name)));
            }
            return true;
        }
    }

    /**
     * Where each reading goes: with one rule set folder, to its one replay as before; with a root of partnership
     * folders, a feed's reading to every partnership taking its area ({@link FeedFanout}), a reading file's row to the
     * partnership it names (refused with its reason when the root holds no such partnership).
     */
    private final class Router implements ReadingSink {
        private final List<Tenant> tenants;
        private final Map<String, Tenant> byId = new LinkedHashMap<>();
        private final List<RuleSet> ruleSets = new ArrayList<>();
        private final boolean several;
        private final Path root;
        private long rejected;
        private long untaken;

        Router(List<Tenant> tenants, boolean several, Path root) {
            this.tenants = tenants;
            this.several = several;
            this.root = root;
            tenants.forEach(t -> {
                byId.put(t.id, t);
                ruleSets.add(t.rules.ruleSet());
            });
        }

        @Override
        public void accept(Reading reading, String file, long row) {
            if (!several) {
                tenants.get(0).replay.collect(reading, file, row);
                return;
            }
            Tenant t = byId.get(reading.partnership());
            if (t == null) {
                reject(new RejectedReading(file, row, "partnership \"" + reading.partnership() + "\" has no rule set folder in "
                        + root + " (the partnerships are " + String.join(", ", byId.keySet()) + ")"));
                return;
            }
            t.replay.collect(reading, file, row);
        }

        /** A reading a feed made, listed under the file's title by every partnership that takes it. */
        void feedReading(String title, Reading reading, String file, long row) {
            if (!several) {
                Tenant t = tenants.get(0);
                t.section(title).readings.add(t.replay.collect(reading, file, row));
                return;
            }
            List<Reading> copies = FeedFanout.assign(reading, ruleSets);
            if (copies.isEmpty()) {
                untaken++;
            }
            for (Reading copy : copies) {
                Tenant t = byId.get(copy.partnership());
                t.section(title).readings.add(t.replay.collect(copy, file, row));
            }
        }

        @Override
        public void reject(RejectedReading r) {
            rejected++;
            err.println(r);
        }
    }

    /** One partnership of the replay: its rule set, its own engine and clock, and the feed readings it took. */
    private final class Tenant {
        private final String id;
        private final Path folder;
        private final CompiledRules rules;
        private final RuleEngine engine;
        private final Replay replay;
        /** The readings of each feed file that gave this partnership any, in file order. */
        private final List<FeedSection> sections = new ArrayList<>();

        Tenant(String id, Path folder, CompiledRules rules, boolean json) {
            this.id = id;
            this.folder = folder;
            this.rules = rules;
            this.engine = new RuleEngine(rules);
            this.replay = new Replay(rules, json);
            this.replay.engine = engine;
        }

        String name() {
            return rules.ruleSet().partnership().name();
        }

        /** {@code == Safer Maidstone Partnership (maidstone: samples/kent/maidstone) ==}. */
        String heading() {
            return "== " + name() + " (" + id + ": " + folder + ") ==";
        }

        FeedSection section(String title) {
            if (sections.isEmpty() || !sections.get(sections.size() - 1).title.equals(title)) {
                sections.add(new FeedSection(title));
            }
            return sections.get(sections.size() - 1);
        }

        /**
         * Each feed file's readings with the rating each got when it was assessed (in arrival order, so possibly
         * after readings of later files); those an {@code --as-of} left out are not listed.
         */
        void printSections() {
            for (FeedSection section : sections) {
                out.println(section.title);
                for (Pending p : section.readings) {
                    if (!p.leftOut) {
                        out.println("  " + line(p.reading, p.outcome));
                    }
                }
            }
        }

        /** Whether the reading is the yardstick of its indicator's target (its comparator area), never rated itself. */
        private boolean comparesWith(Reading r) {
            return rules.ruleSet().targetFor(r.partnership(), r.indicator()).map(t -> r.area().equals(t.comparatorArea()))
                    .orElse(false);
        }

        private String line(Reading r, Outcome o) {
            Optional<Assessment> a = o == null ? Optional.empty() : o.assessments().stream()
                    .filter(x -> x.series().equals(r.series()) && x.period().equals(r.period())).findFirst();
            String rating = a.map(x -> x.rating().name() + (x.expected() == null ? "" : " (expected "
                    + x.expected().toPlainString() + ")")).orElse(o == null ? "refused" : comparesWith(r) ? "comparator"
                    : "unchanged");
            return String.join("  ", r.indicator(), r.area(), r.period().toString(), r.value().toPlainString(), rating,
                    r.note() == null ? "" : r.note()).stripTrailing();
        }
    }

    /** A progress line on standard error for a big file: redrawn in place on a terminal, every quarter otherwise. */
    private final class Progress implements targetwatch.engine.feeds.FeedProgress {
        private final String name;
        private final long size;
        private final boolean terminal = System.console() != null;
        private CountingInputStream in;
        private int shown = -1;

        Progress(String name, long size) {
            this.name = name;
            this.size = size;
        }

        @Override
        public void rowsRead(long rows) {
            int percent = size == 0 || in == null ? 100 : (int) Math.min(100, in.count() * 100 / size);
            int step = terminal ? percent : percent / 25 * 25;
            if (step == shown) {
                return;
            }
            shown = step;
            String bar = "#".repeat(percent / 5) + ".".repeat(20 - percent / 5);
            String text = String.format(java.util.Locale.UK, "%s [%s] %3d%% %,d rows", name, bar, percent, rows);
            if (terminal) {
                err.print("\r" + text);
            } else {
                err.println(text);
            }
        }

        void done() {
            if (terminal && shown >= 0) {
                err.println();
            }
        }
    }

    /** Counts the bytes read through it, for the progress line. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** One feed file's readings, listed under its title once they have been assessed. */
    private static final class FeedSection {
        private final String title;
        private final List<Pending> readings = new ArrayList<>();

        FeedSection(String title) {
            this.title = title;
        }
    }

    /** A reading read from a file, waiting for its turn; then what it changed (null: refused). */
    private static final class Pending {
        private final Reading reading;
        private final String file;
        private final long row;
        private final Instant arrival;
        private boolean refused;
        private boolean leftOut;
        private Outcome outcome;

        Pending(Reading reading, String file, long row) {
            this.reading = reading;
            this.file = file;
            this.row = row;
            this.arrival = arrival(reading);
        }
    }

    /**
     * Gathers the readings of every file (rejecting, as it reads, the rows the parser or the rule set cannot take),
     * then feeds them to the engine in the order they arrived, moving its clock through every working day between
     * one arrival and the next, so that what falls due (escalations, reminders, late data) happens on its own day.
     */
    private final class Replay implements ReadingSink {
        private final boolean json;
        private final WorkingDays calendar;
        private final List<Pending> pending = new ArrayList<>();
        private RuleEngine engine;
        private boolean clockStarted;
        private long taken;
        private long rejected;
        private long leftOut;
        private long history;
        private final NoiseReport noise;

        Replay(CompiledRules rules, boolean json) {
            this.json = json;
            this.calendar = rules.ruleSet().workingDays();
            this.noise = new NoiseReport(rules.ruleSet().settings().dailyMailBudget(), calendar);
        }

        /** After the last reading: the summary owed to everyone told of alerts only in history. */
        void summarise() {
            for (AlertEvent e : engine.summariseHistory()) {
                noise.countSummary(e);
                if (json) {
                    out.println(EventJson.line(e));
                }
            }
        }

        @Override
        public void accept(Reading reading, String file, long row) {
            collect(reading, file, row);
        }

        /** Keeps a reading for its turn; one the rule set cannot take is reported now and marked refused. */
        Pending collect(Reading reading, String file, long row) {
            Pending p = new Pending(reading, file, row);
            List<String> problems = engine.problemsWith(reading);
            if (problems.isEmpty()) {
                pending.add(p);
            } else {
                p.refused = true;
                reject(new RejectedReading(file, row, String.join("; ", problems)));
            }
            return p;
        }

        /**
         * Assesses the gathered readings in arrival order (ties in the order they were read, so a revision follows
         * what it revises). With {@code asOf}, those arriving after that day are left out and the clock then runs
         * on to its close of business.
         */
        void run(LocalDate asOf) {
            Instant cutoff = asOf == null ? null : asOf.plusDays(1).atStartOfDay(Now.ZONE).toInstant();
            List<Pending> ordered = new ArrayList<>(pending);
            ordered.sort(Comparator.comparing((Pending p) -> p.arrival));
            for (Pending p : ordered) {
                if (cutoff != null && !p.arrival.isBefore(cutoff)) {
                    p.leftOut = true;
                    leftOut++;
                    continue;
                }
                moveClockTo(p.arrival);
                p.outcome = take(p);
            }
            if (asOf != null) {
                moveClockTo(asOf.atTime(AS_OF_TIME).atZone(Now.ZONE).toInstant());
            }
        }

        /**
         * Moves the engine's clock forward to {@code to} (never back), stopping on every working day in between at
         * each hour of the working day (08:00 to 17:00), and prints what fell due at each stop: an escalation due at
         * 11:00 happens at 11:00, one due at 11:20 by 12:00. The first move goes straight to the first arrival:
         * nothing can fall due before any reading.
         */
        private void moveClockTo(Instant to) {
            if (!to.isAfter(engine.now())) {
                return;
            }
            if (clockStarted) {
                engine.advanceThroughWorkingHours(to).forEach(this::print);
            } else {
                print(engine.advanceTo(to));
            }
            clockStarted = true;
        }

        /** Assesses a reading at the clock's time; returns what it changed, or null when the rule set refused it. */
        private Outcome take(Pending p) {
            try {
                boolean past = engine.isHistory(p.reading);
                Outcome outcome = engine.process(p.reading);
                taken++;
                if (past) {
                    history++;
                }
                print(outcome);
                return outcome;
            } catch (InvalidReadingException e) {
                p.refused = true;
                reject(new RejectedReading(p.file, p.row, e.getMessage()));
                return null;
            }
        }

        private void print(Outcome outcome) {
            noise.count(outcome.alertEvents());
            if (json) {
                outcome.assessments().forEach(a -> out.println(EventJson.line(a)));
                outcome.alertEvents().forEach(e -> out.println(EventJson.line(e)));
            }
        }

        @Override
        public void reject(RejectedReading r) {
            rejected++;
            err.println(r);
        }
    }
}
