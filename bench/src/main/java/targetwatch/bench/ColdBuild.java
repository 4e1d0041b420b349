package targetwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.RuleCompiler;

/**
 * One cold rule set build: the first {@code RuleCompiler.load} in a fresh JVM. {@link EngineBench} and
 * {@link BuildBench} start one JVM per round and read the line this prints: wall-clock nanoseconds of the load,
 * nanoseconds of its compile step ({@code CompiledRules.buildTime}), and the rule count. With
 * {@code --compile-release-drl} the release's DRL is changed by a comment first, so it is compiled in this JVM as a
 * cold build did before the engine came with it compiled (the ceiling the bench compares with).
 */
public final class ColdBuild {

    private ColdBuild() {
    }

    public static void main(String[] args) throws Exception {
        boolean compileReleaseDrl = args.length == 2 && args[1].equals("--compile-release-drl");
        if (args.length != 1 && !compileReleaseDrl) {
            System.err.println("usage: ColdBuild RULES_FOLDER [--compile-release-drl]");
            System.exit(2);
        }
        long started = System.nanoTime();
        CompiledRules compiled = compileReleaseDrl
                ? new RuleCompiler().compile(withChangedDrl(new RuleSetLoader().load(Path.of(args[0]))))
                : new RuleCompiler().load(Path.of(args[0]));
        long wall = System.nanoTime() - started;
        System.out.println(wall + " " + compiled.buildTime().toNanos() + " " + compiled.ruleCount());
    }

    /**
     * Builds the rule set in a fresh JVM with this JVM's options and class path; returns wall nanos, compile nanos and
     * the rule count it printed.
     */
    static long[] inFreshJvm(Path folder, boolean compileReleaseDrl) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ColdBuild.class.getName());
        command.add(folder.toString());
        if (compileReleaseDrl) {
            command.add("--compile-release-drl");
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the cold build of " + folder + " failed with exit code " + exit + ": " + out);
        }
        String[] parts = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    private static RuleSet withChangedDrl(RuleSet rs) {
        Map<String, String> drl = new HashMap<>();
        rs.drl().forEach((name, text) -> drl.put(name, text + "\n// compiled in this JVM\n"));
        return new RuleSet(rs.folder(), rs.targets(), rs.contacts(), rs.templates(), drl, rs.checksum(),
                rs.escalation(), rs.silences(), rs.workingDays(), rs.settings(), rs.areas(), rs.partnership());
    }
}
