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

    /**
     * The same rule set with every template and DRL file changed by a trailing comment: no twin matches and no unit is
     * the release's, so everything is compiled from DRL at run time.
     */
    private static RuleSet throughDrl(RuleSet rs) {
        Map<String, String> templates = new HashMap<>();
        rs.templates().forEach((kind, text) -> templates.put(kind, text + "\n// built from its DRL\n"));
        Map<String, String> drl = new HashMap<>();
        rs.drl().forEach((name, text) -> drl.put(name, text + "\n// compiled at run time\n"));
        return new RuleSet(rs.folder(), rs.targets(), rs.contacts(), templates, drl, rs.checksum() + "-drl",
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
        assertTrue(again.units() >= 1, "alerts.drl at least: " + again.units());
        assertEquals(0, again.unitsCompiled(), "alerts.drl is compiled once per content");
    }

    @Test
    void the_release_drl_comes_compiled_with_the_engine_so_a_fresh_cache_compiles_nothing() throws Exception {
        List<CompiledUnits.Unit> release = units(ReleaseRules.shipped().drl());
        CompiledUnits fresh = new CompiledUnits(CompiledUnits.CAPACITY);
        // when
        List<org.drools.model.Model> models = fresh.modelsOf(release);
        // then
        assertEquals(0, fresh.compiledCount(), "alerts.drl is in the index PrecompiledUnits wrote"
                + " when the engine was built (engine/pom.xml, process-classes)");
        List<org.drools.model.Model> compiled = new CompiledUnits(CompiledUnits.CAPACITY).modelsOf(units(
                withComment(ReleaseRules.shipped().drl())));
        assertEquals(modelRuleNames(compiled), modelRuleNames(models), "the same rules as the DRL compiled now");
    }

    @Test
    void drl_that_differs_from_the_release_by_one_comment_is_compiled_at_run_time() throws Exception {
        CompiledUnits fresh = new CompiledUnits(CompiledUnits.CAPACITY);
        Map<String, String> drl = new HashMap<>(ReleaseRules.shipped().drl());
        drl.put("mine", "package targetwatch.rules.mine;\n// not the release's\n");
        // when
        fresh.modelsOf(units(drl));
        // then
        assertEquals(1, fresh.compiledCount(), "the DRL not the release's is compiled, alerts.drl taken from the release");
    }

    @Test
    void the_guard_of_a_precompiled_unit_changes_with_the_bytes_of_a_fact_class_it_imports() {
        String alerts = ReleaseRules.shipped().drl().get("alerts");
        ClassLoader app = getClass().getClassLoader();
        ClassLoader changedAlert = new ClassLoader(app) {
            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                if (name.equals("targetwatch/engine/rules/Alert.class")) {
                    return new java.io.ByteArrayInputStream(new byte[] {(byte) 0xCA, (byte) 0xFE});
                }
                return super.getResourceAsStream(name);
            }
        };
        assertEquals(PrecompiledUnits.guard(alerts, app), PrecompiledUnits.guard(alerts, app));
        assertFalse(PrecompiledUnits.guard(alerts, app).equals(PrecompiledUnits.guard(alerts, changedAlert)),
                "a precompiled unit is not used with facts other than those it was compiled against");
    }

    private static List<CompiledUnits.Unit> units(Map<String, String> drl) {
        return new java.util.TreeMap<>(drl).entrySet().stream()
                .map(e -> new CompiledUnits.Unit(e.getKey() + ".drl", e.getValue())).toList();
    }

    private static Map<String, String> withComment(Map<String, String> drl) {
        Map<String, String> out = new HashMap<>();
        drl.forEach((name, text) -> out.put(name, text + "\n// compiled at run time\n"));
        return out;
    }

    private static List<String> modelRuleNames(List<org.drools.model.Model> models) {
        return models.stream().flatMap(m -> m.getRules().stream()).map(r -> r.getPackage() + "." + r.getName())
                .sorted().toList();
    }

    @Test
    void a_one_row_change_to_rules_built_from_drl_compiles_only_the_batch_holding_that_row() throws Exception {
        Path folder = GeneratedRuleSet.write(RuleFolders.real(), dir.resolve("generated"), 5 * RuleCompiler.BATCH * 2);
        RuleSet before = new RuleSetLoader().load(folder);
        RuleCompiler compiler = new RuleCompiler();
        CompiledRules first = compiler.compile(throughDrl(before));
        assertEquals(5 * 2 + 1, first.units(), "two batches per kind and alerts.drl");
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
