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

    CompiledRules(RuleSet ruleSet, KieBase kieBase, Map<String, String> generatedDrl, Duration buildTime) {
        this.ruleSet = ruleSet;
        this.kieBase = kieBase;
        this.generatedDrl = Map.copyOf(generatedDrl);
        this.buildTime = buildTime;
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

    KieBase kieBase() {
        return kieBase;
    }
}
