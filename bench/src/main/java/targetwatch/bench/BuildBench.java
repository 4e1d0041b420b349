package targetwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.RuleCompiler;

/**
 * The rule set build benchmark behind {@code bench/run-build-bench} (issue 13's build bar): medians of several rounds
 * of {@code RuleCompiler.load} for the real rules/ and a generated 1,000-target set, cold (a fresh JVM each) and warm,
 * a one-row change to the 1,000-target set, and the build paths measured against each other on the same sets: the
 * one chosen (the templates' Java twins and DRL units cached by content), the same with nothing cached, every target
 * through its template's DRL in cached batches, the former single executable-model build of all the DRL, and the
 * classic (drools-mvel) build of it. Prints a plain-text table with the load average beside each figure.
 */
public final class BuildBench {

    private final StringBuilder table = new StringBuilder();
    private final int coldRounds;
    private final int rounds;
    private final int targets;

    private BuildBench(int coldRounds, int rounds, int targets) {
        this.coldRounds = coldRounds;
        this.rounds = rounds;
        this.targets = targets;
    }

    public static void main(String[] args) throws Exception {
        Path rules = Path.of("rules");
        int coldRounds = 3;
        int rounds = 5;
        int targets = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rules" -> rules = Path.of(args[i + 1]);
                case "--cold-rounds" -> coldRounds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--targets" -> targets = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --rules DIR --cold-rounds N --rounds N --targets N)");
            }
        }
        new BuildBench(coldRounds, rounds, targets).run(rules);
    }

    private void run(Path rules) throws Exception {
        Path work = Files.createTempDirectory("targetwatch-build-bench-");
        try {
            Path large = GeneratedRuleSet.write(rules, work.resolve("generated-" + targets), targets);
            table.append(String.format(Locale.ROOT, "Rule set build (issue 13), wall-clock ms, median [min-max] of the"
                    + " rounds, load average (1 min) at the median round;%n%d cores, %s, started at load %s%n%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load()));
            Figure coldReal = cold(rules, false);
            Figure coldCompiling = cold(rules, true);
            row("rules/ (15 targets), cold: RuleCompiler.load in a fresh JVM", coldReal);
            row("rules/ (15 targets), cold, the release's DRL compiled in that JVM (the ceiling: before)", coldCompiling);
            table.append(String.format(Locale.ROOT, "  %-92s %7.2f%n", "cold ratio, chosen / ceiling (medians)",
                    coldReal.ms().median() / coldCompiling.ms().median()));
            row(targets + " targets, cold: RuleCompiler.load in a fresh JVM", cold(large, false));
            RuleCompiler compiler = new RuleCompiler();
            compiler.load(rules);
            row("rules/ (15 targets), warm", rounds(() -> compiler.load(rules)));
            row(targets + " targets, warm", rounds(() -> compiler.load(large)));
            Path targetsCsv = large.resolve(RuleSetLoader.TARGETS);
            int[] round = {0};
            row(targets + " targets, one row changed (tolerance_pct of gen-0007), warm: the build step of its upload", rounds(() -> {
                editTolerance(targetsCsv, "gen-0007", 3 + round[0]++ % 5);
                return compiler.load(large);
            }));
            table.append(String.format(Locale.ROOT, "%nThe build paths on the same %d-target set, warm JVM:%n", targets));
            RuleSet set = new RuleSetLoader().load(large);
            row("chosen: Java twins + cached DRL units, alerts.drl cached", rounds(() -> compiler.compile(set)));
            row("chosen, nothing cached (alerts.drl compiled)", rounds(() ->
                    compiler.compile(changedDrl(set, d -> d + "\n// " + UUID.randomUUID() + "\n", false))));
            row("every target through its DRL, batches of " + RuleCompiler.BATCH + " in parallel, nothing cached",
                    rounds(() -> compiler.compile(changedDrl(set, d -> d + "\n// " + UUID.randomUUID() + "\n", true))));
            row("every target through its DRL, one row changed (one batch compiled)", rounds(() -> {
                editTolerance(targetsCsv, "gen-0007", 3 + round[0]++ % 5);
                return compiler.compile(changedDrl(new RuleSetLoader().load(large), Function.identity(), true));
            }));
            row("former: one executable-model KieBuilder over all the DRL", rounds(() -> single(set, true)));
            row("classic (drools-mvel): one KieBuilder over all the DRL", rounds(() -> single(set, false)));
            System.out.print(table);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The rule set with its DRL files changed by {@code drl}, and (when asked) every template too, so no twin matches. */
    private static RuleSet changedDrl(RuleSet rs, Function<String, String> drl, boolean templates) {
        Map<String, String> files = new HashMap<>();
        rs.drl().forEach((name, text) -> files.put(name, drl.apply(text)));
        Map<String, String> kinds = new HashMap<>();
        // a comment in the header a template copies into its DRL: no twin matches, and (when drl changes the text
        // each round) no batch of the generated DRL is one compiled before
        String mark = "\n// through the DRL " + drl.apply("") .strip() + "\n";
        rs.templates().forEach((kind, text) -> kinds.put(kind, templates
                ? text.replaceFirst("(?m)^(package [^;]+;)$", "$1" + java.util.regex.Matcher.quoteReplacement(mark)) : text));
        return new RuleSet(rs.folder(), rs.targets(), rs.contacts(), kinds, files, rs.checksum(), rs.escalation(),
                rs.silences(), rs.workingDays(), rs.settings(), rs.areas(), rs.partnership());
    }

    /** The whole generated DRL through one KieBuilder, as RuleCompiler built before issue 13 (or the classic way). */
    private static Object single(RuleSet rs, boolean executableModel) {
        Map<String, String> drl = RuleCompiler.drlOf(rs);
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("targetwatch", "bench", "1.0.0-" + UUID.randomUUID());
        var kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        drl.forEach((name, text) -> kfs.write("src/main/resources/targetwatch/rules/" + name, text));
        KieBuilder builder = executableModel ? ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class)
                : ks.newKieBuilder(kfs).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.toString());
        }
        KieBase kieBase = ks.newKieContainer(releaseId).getKieBase();
        ks.getRepository().removeKieModule(releaseId);
        return kieBase;
    }

    private interface Build {
        Object run() throws Exception;
    }

    private record Figure(Samples ms, double load) {
    }

    private Figure rounds(Build build) throws Exception {
        build.run();
        Samples ms = new Samples();
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            System.gc();
            long t0 = System.nanoTime();
            Object built = build.run();
            double took = (System.nanoTime() - t0) / 1e6;
            ms.add(took);
            pairs.add(new double[] {took, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()});
            System.err.printf(Locale.ROOT, "  %.0f ms%s%n", took,
                    built instanceof CompiledRules c ? " (" + c.ruleCount() + " rules, " + c.unitsCompiled() + " of "
                            + c.units() + " DRL units compiled)" : "");
        }
        return new Figure(ms, loadAt(pairs, ms.median()));
    }

    private Figure cold(Path folder, boolean compileReleaseDrl) throws IOException, InterruptedException {
        Samples ms = new Samples();
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < coldRounds; i++) {
            double took = ColdBuild.inFreshJvm(folder, compileReleaseDrl)[0] / 1e6;
            ms.add(took);
            pairs.add(new double[] {took, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()});
            System.err.printf(Locale.ROOT, "  cold %.0f ms%n", took);
        }
        return new Figure(ms, loadAt(pairs, ms.median()));
    }

    private static double loadAt(List<double[]> pairs, double median) {
        return pairs.stream().min(java.util.Comparator.comparingDouble(p -> Math.abs(p[0] - median)))
                .map(p -> p[1]).orElse(Double.NaN);
    }

    private void row(String name, Figure f) {
        String line = String.format(Locale.ROOT, "  %-92s %7.0f [%.0f-%.0f]  load %.1f%n", name, f.ms().median(),
                f.ms().min(), f.ms().max(), f.load());
        System.err.print(line);
        table.append(line);
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Sets the tolerance_pct of one row of a targets.csv written by GeneratedRuleSet (the 12th column). */
    private static void editTolerance(Path csv, String indicator, int value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(indicator + ",")) {
                String[] cells = lines.get(i).split(",", -1);
                cells[11] = String.valueOf(value);
                lines.set(i, String.join(",", cells));
            }
        }
        Files.write(csv, lines, StandardCharsets.UTF_8);
    }
}
