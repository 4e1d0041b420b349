package targetwatch.bench;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;

/**
 * How much heap one engine session needs to hold a national-scale history: {@code PARTNERSHIPS} partnerships, each
 * with the indicators of a generated rule set of {@code INDICATORS} targets, ten years of monthly readings for each.
 * {@link EngineBench} runs it in a JVM of its own with the heap the issue allows (-Xmx512m) and reads the line this
 * prints: readings held, heap used after a full collection in bytes, the JVM's maximum heap in bytes, seconds taken.
 */
public final class HeldInMemory {

    static final int PARTNERSHIPS = 13;
    static final int INDICATORS = 30;
    static final int YEARS = 10;

    private HeldInMemory() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("targetwatch-held-");
        long started = System.nanoTime();
        CompiledRules rules = new RuleCompiler().load(GeneratedRuleSet.write(Path.of(args[0]), work.resolve("rules"), INDICATORS));
        List<Target> targets = rules.ruleSet().targets();
        long held = 0;
        try (RuleEngine engine = new RuleEngine(rules)) {
            for (int month = 0; month < YEARS * 12; month++) {
                Period period = Period.month(2009 + month / 12, 1 + month % 12);
                for (int p = 1; p <= PARTNERSHIPS; p++) {
                    String partnership = String.format("partnership-%02d", p);
                    for (Target t : targets) {
                        BigDecimal centre = t.target() == null ? t.baseline() : t.target();
                        BigDecimal value = centre.multiply(BigDecimal.valueOf(0.85 + ((month * 7 + p * 3) % 30) / 100.0))
                                .setScale(0, RoundingMode.HALF_UP);
                        if (t.unit() == Unit.PERCENT) {
                            value = value.min(BigDecimal.valueOf(100));
                        }
                        engine.process(new Reading(partnership, t.indicator(), partnership, period, value, "feed", null, null));
                    }
                }
            }
            held = engine.readingCount();
            Runtime rt = Runtime.getRuntime();
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println(held + " " + used + " " + rt.maxMemory() + " " + (System.nanoTime() - started) / 1_000_000_000L);
        }
    }
}
