package targetwatch.bench;

import java.nio.file.Path;
import java.util.HashMap;
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

    private static RuleSet withChangedDrl(RuleSet rs) {
        Map<String, String> drl = new HashMap<>();
        rs.drl().forEach((name, text) -> drl.put(name, text + "\n// compiled in this JVM\n"));
        return new RuleSet(rs.folder(), rs.targets(), rs.contacts(), rs.templates(), drl, rs.checksum(),
                rs.escalation(), rs.silences(), rs.workingDays(), rs.settings(), rs.areas(), rs.partnership());
    }
}
