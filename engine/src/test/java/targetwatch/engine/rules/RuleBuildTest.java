package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.definition.rule.Rule;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.generated.GeneratedRuleSet;
import targetwatch.engine.generated.ReadingFeed;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.ReleaseRules;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;

/**
 * How a rule set is built (issue 13): the shipped templates' rows through their Java twins, everything compiled from
 * DRL once per content per JVM, and the two paths giving the same rules and the same ratings.
 */
class RuleBuildTest {

    @TempDir
    Path dir;

    /** The same rule set with every template changed by a trailing comment: no twin matches, all goes through DRL. */
    private static RuleSet throughDrl(RuleSet rs) {
        Map<String, String> templates = new HashMap<>();
        rs.templates().forEach((kind, text) -> templates.put(kind, text + "\n// built from its DRL\n"));
        return new RuleSet(rs.folder(), rs.targets(), rs.contacts(), templates, rs.drl(), rs.checksum() + "-drl",
                rs.escalation(), rs.silences(), rs.workingDays(), rs.settings(), rs.areas(), rs.partnership());
    }

    private static List<String> ruleNames(CompiledRules rules) {
        return rules.kieBase().getKiePackages().stream().flatMap(p -> p.getRules().stream()).map(Rule::getName)
                .sorted().toList();
    }

    @Test
    void every_shipped_template_has_a_java_twin_written_from_it() {
        Map<String, String> shipped = ReleaseRules.shipped().templates();
        for (Kind kind : Kind.values()) {
            assertTrue(TargetRules.twinOf(kind, shipped.get(kind.code())), "the template " + kind.code()
                    + " changed: make TargetRules follow it, then put its new SHA-256 in TargetRules.TEMPLATES");
        }
    }

    @Test
    void a_changed_template_is_no_twin_and_is_compiled_from_its_drl() throws Exception {
        RuleSet rs = new RuleSetLoader().load(RuleFolders.real());
        // when
        CompiledRules twins = new RuleCompiler().compile(rs);
        CompiledRules drl = new RuleCompiler().compile(throughDrl(rs));
        // then
        assertEquals(rs.targets().size(), twins.javaRules());
        assertEquals(0, drl.javaRules());
        assertEquals(ruleNames(drl), ruleNames(twins), "the twins' rules are named as the templates name them");
    }

    @Test
    void building_the_same_rules_again_compiles_nothing() throws Exception {
        RuleCompiler compiler = new RuleCompiler();
        compiler.load(RuleFolders.real());
        // when
        CompiledRules again = compiler.load(RuleFolders.real());
        // then
        assertTrue(again.units() >= 2, "alerts.drl and streak.drl at least: " + again.units());
        assertEquals(0, again.unitsCompiled(), "alerts.drl and streak.drl are compiled once per content");
    }

    @Test
    void a_one_row_change_to_rules_built_from_drl_compiles_only_the_batch_holding_that_row() throws Exception {
        Path folder = GeneratedRuleSet.write(RuleFolders.real(), dir.resolve("generated"), 5 * RuleCompiler.BATCH * 2);
        RuleSet before = new RuleSetLoader().load(folder);
        RuleCompiler compiler = new RuleCompiler();
        CompiledRules first = compiler.compile(throughDrl(before));
        assertEquals(5 * 2 + 2, first.units(), "two batches per kind, alerts.drl and streak.drl");
        Path targets = folder.resolve(RuleSetLoader.TARGETS);
        // when a number the rule reads from its Target fact changes, then nothing is compiled
        RuleFolders.editCell(targets, "gen-0006", "tolerance_pct", "9");
        assertEquals(0, compiler.compile(throughDrl(new RuleSetLoader().load(folder))).unitsCompiled(),
                "the tolerance is the Target fact's, not in the rule's text");
        // when the target, which the rule's name quotes, changes
        RuleFolders.editCell(targets, "gen-0006", "target", "1");
        CompiledRules changed = compiler.compile(throughDrl(new RuleSetLoader().load(folder)));
        // then
        assertEquals(1, changed.unitsCompiled(), "only the batch of gen-0006's rule is compiled again");
        assertEquals(first.ruleCount(), changed.ruleCount());
    }

    @Test
    void rules_built_through_the_twins_and_through_the_drl_rate_every_kind_the_same() throws Exception {
        RuleSet rs = new RuleSetLoader().load(GeneratedRuleSet.write(RuleFolders.real(), dir.resolve("every-kind"), 20));
        List<Reading> readings = ReadingFeed.generate(rs.targets(), 1_500, 2012, 2018).readings();
        CompiledRules twins = new RuleCompiler().compile(rs);
        CompiledRules drl = new RuleCompiler().compile(throughDrl(rs));
        assertEquals(rs.targets().size(), twins.javaRules());
        int rated = 0;
        try (RuleEngine a = new RuleEngine(twins); RuleEngine b = new RuleEngine(drl)) {
            for (Reading r : readings) {
                Outcome x;
                Outcome y;
                try {
                    x = a.process(r);
                } catch (InvalidReadingException e) {
                    x = null;
                }
                try {
                    y = b.process(r);
                } catch (InvalidReadingException e) {
                    y = null;
                }
                assertEquals(x == null, y == null, "refused by one build only: " + r);
                if (x != null) {
                    assertEquals(x.assessments(), y.assessments(), "the assessments of " + r);
                    assertEquals(x.alertEvents(), y.alertEvents(), "the alert events of " + r);
                    rated += x.assessments().size();
                }
            }
            assertEquals(a.assessments(), b.assessments(), "the assessments held at the end");
            assertEquals(a.latest(), b.latest(), "the latest assessments at the end");
        }
        assertTrue(rated > 1_000, "the feed was rated (" + rated + " assessments)");
        assertFalse(rs.targets().stream().map(Target::kind).distinct().count() < Kind.values().length, "every kind");
    }
}
