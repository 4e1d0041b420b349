package targetwatch.bench;

import java.nio.file.Path;

import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.RuleCompiler;

/**
 * One cold rule set build: the first {@code RuleCompiler.load} in a fresh JVM. {@link EngineBench} starts
 * one JVM per round and reads the line this prints: wall-clock nanoseconds of the load, nanoseconds of its
 * compile step ({@code CompiledRules.buildTime}), and the rule count.
 */
public final class ColdBuild {

    private ColdBuild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ColdBuild RULES_FOLDER");
            System.exit(2);
        }
        long started = System.nanoTime();
        CompiledRules compiled = new RuleCompiler().load(Path.of(args[0]));
        long wall = System.nanoTime() - started;
        System.out.println(wall + " " + compiled.buildTime().toNanos() + " " + compiled.ruleCount());
    }
}
