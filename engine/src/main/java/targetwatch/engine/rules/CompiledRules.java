package targetwatch.engine.rules;

import java.time.Duration;
import java.util.Map;

import org.kie.api.KieBase;

import targetwatch.engine.ruleset.RuleSet;

/**
 * A rule set turned into runnable rules. Only the engine opens it: nothing outside this package sees a
 * Kie type.
 */
public final class CompiledRules {

    private final RuleSet ruleSet;
    private final KieBase kieBase;
    private final Map<String, String> generatedDrl;
    private final Duration buildTime;
    private final int javaRules;
    private final int units;
    private final int unitsCompiled;

    CompiledRules(RuleSet ruleSet, KieBase kieBase, Map<String, String> generatedDrl, Duration buildTime,
                  int javaRules, int units, int unitsCompiled) {
        this.ruleSet = ruleSet;
        this.kieBase = kieBase;
        this.generatedDrl = Map.copyOf(generatedDrl);
        this.buildTime = buildTime;
        this.javaRules = javaRules;
        this.units = units;
        this.unitsCompiled = unitsCompiled;
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** The DRL the templates generated, by file name: for reviewing what a rule set does. */
    public Map<String, String> generatedDrl() {
        return generatedDrl;
    }

    /** How many rules the rule set holds. */
    public int ruleCount() {
        return kieBase.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
    }

    public Duration buildTime() {
        return buildTime;
    }

    /** How many target rules were built through the templates' Java twins, with nothing to compile. */
    public int javaRules() {
        return javaRules;
    }

    /** How many units of DRL (a cross-cutting file, a batch of generated rules) the rule set holds. */
    public int units() {
        return units;
    }

    /** How many of those this build compiled: the others were compiled before, with the same text, in this JVM. */
    public int unitsCompiled() {
        return unitsCompiled;
    }

    KieBase kieBase() {
        return kieBase;
    }
}
