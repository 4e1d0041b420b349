package targetwatch.engine.rules;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.drools.model.Model;
import org.drools.model.Rule;
import org.drools.model.impl.ModelImpl;
import org.drools.modelcompiler.KieBaseBuilder;
import org.drools.template.ObjectDataCompiler;
import org.kie.api.KieBase;

import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * The one place rules are built at run time: each target row through its kind's template, plus the
 * cross-cutting DRL, built with the executable model into a KieBase beside whatever is running (how: {@link #compile}).
 */
public final class RuleCompiler {

    /** Generated rules compiled from DRL (a template without a Java twin) go in batches of this many. */
    public static final int BATCH = 25;

    private static final Pattern RULE_NAME = Pattern.compile("(?m)^rule \"([^\"\\\\]*)\"");

    /**
     * Compiles a checked rule set: the target rows of a shipped template through its Java twin ({@link TargetRules}),
     * nothing to compile; other templates' rows in batches of {@link #BATCH} and the cross-cutting DRL file by file
     * through the executable model, each unit compiled once per content per JVM ({@link CompiledUnits}); one KieBase
     * built from them all.
     *
     * @throws RuleSetRejectedException when a template or DRL file does not compile (a developer's error)
     */
    public CompiledRules compile(RuleSet ruleSet) throws RuleSetRejectedException {
        long started = System.nanoTime();
        Map<String, String> drl = generate(ruleSet);
        List<Rule> twins = new ArrayList<>();
        List<CompiledUnits.Unit> units = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            String file = "targets-" + kind.code() + ".drl";
            if (!drl.containsKey(file)) {
                continue;
            }
            List<Target> rows = ruleSet.targets().stream().filter(t -> t.kind() == kind).toList();
            List<String> names = ruleNames(drl.get(file));
            if (TargetRules.twinOf(kind, ruleSet.templates().get(kind.code())) && names.size() == rows.size()) {
                for (int i = 0; i < rows.size(); i++) {
                    twins.add(TargetRules.of(rows.get(i), names.get(i), templateRow(rows.get(i), ruleSet)));
                }
            } else {
                units.addAll(batches(file, drl.get(file)));
            }
        }
        ruleSet.drl().forEach((name, text) -> units.add(new CompiledUnits.Unit(name + ".drl", text)));
        long before = CompiledUnits.SHARED.compiledCount();
        List<Model> models = new ArrayList<>();
        if (!twins.isEmpty()) {
            models.add(new ModelImpl().withRules(twins).addGlobal(TargetRules.ASSESSMENTS));
        }
        models.addAll(CompiledUnits.SHARED.modelsOf(units));
        int compiled = (int) (CompiledUnits.SHARED.compiledCount() - before);
        KieBase kieBase = KieBaseBuilder.createKieBaseFromModel(models);
        return new CompiledRules(ruleSet, kieBase, drl, Duration.ofNanos(System.nanoTime() - started), twins.size(),
                units.size(), compiled);
    }

    /** The names of the rules of a generated DRL file, in order. */
    private static List<String> ruleNames(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = RULE_NAME.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * A generated file cut into units of {@link #BATCH} rules, each with the file's header (package and imports):
     * editing one row changes one unit, which alone is compiled again. A unit's error lines count from its start.
     */
    static List<CompiledUnits.Unit> batches(String file, String text) {
        int first = text.indexOf("\nrule \"");
        if (first < 0) {
            return List.of(new CompiledUnits.Unit(file, text));
        }
        String header = text.substring(0, first + 1);
        String[] rules = text.substring(first + 1).split("\n(?=rule \")");
        List<CompiledUnits.Unit> out = new ArrayList<>();
        for (int i = 0; i < rules.length; i += BATCH) {
            out.add(new CompiledUnits.Unit(file, header
                    + String.join("\n", java.util.Arrays.asList(rules).subList(i, Math.min(rules.length, i + BATCH)))));
        }
        return out;
    }

    /** The DRL each template generates for its rows, and the cross-cutting DRL, by file name (for the benchmark). */
    public static Map<String, String> drlOf(RuleSet ruleSet) {
        return generate(ruleSet);
    }

    /** The DRL each template generates for its rows, and the cross-cutting DRL, by file name. */
    static Map<String, String> generate(RuleSet ruleSet) {
        Map<String, String> out = new LinkedHashMap<>();
        ObjectDataCompiler compiler = new ObjectDataCompiler();
        for (Kind kind : Kind.values()) {
            List<Map<String, Object>> rows = ruleSet.targets().stream().filter(t -> t.kind() == kind)
                    .map(t -> templateRow(t, ruleSet)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            String template = ruleSet.templates().get(kind.code());
            out.put("targets-" + kind.code() + ".drl",
                    compiler.compile(rows, new ByteArrayInputStream(template.getBytes(StandardCharsets.UTF_8))));
        }
        ruleSet.drl().forEach((name, text) -> out.put(name + ".drl", text));
        return out;
    }

    /**
     * The values a template sees for one target. Each comes from a parsed, typed value (a number printed
     * by BigDecimal, a date by LocalDate, a slug matched by its pattern), never from a raw cell. None is
     * blank: the template engine silently drops a line that refers to a blank value.
     */
    static Map<String, Object> templateRow(Target t, RuleSet ruleSet) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", t.row());
        row.put("indicator", t.indicator());
        row.put("partnership", t.partnership() == null ? PeriodToRate.ALL : t.partnership());
        String except = ruleSet.targetsFor(t.indicator()).stream().map(Target::partnership).filter(p -> p != null)
                .collect(Collectors.joining(","));
        row.put("except_partnerships", t.partnership() != null || except.isEmpty() ? PeriodToRate.NONE : except);
        row.put("polarity", t.polarity().code());
        row.put("baseline", t.baseline().toPlainString());
        row.put("baseline_date", t.baselineDate().toString());
        row.put("target", t.target() == null ? "none" : t.target().toPlainString());
        row.put("target_date", t.targetDate().toString());
        row.put("tolerance_pct", t.tolerancePct().toPlainString());
        row.put("comparator_area", t.comparatorArea() == null ? "none" : t.comparatorArea());
        return row;
    }

    /** Loads, checks and compiles the rule set folder in one go. */
    public CompiledRules load(java.nio.file.Path folder) throws RuleSetRejectedException {
        return compile(new RuleSetLoader().load(folder));
    }

    /**
     * Loads, checks and compiles one partnership's rule set folder.
     *
     * @param shared the root of partnership folders it shares reference files with, or null
     * @param id     the partnership it must be, or null (see {@link RuleSetLoader#load(java.nio.file.Path, java.nio.file.Path, String)})
     */
    public CompiledRules load(java.nio.file.Path folder, java.nio.file.Path shared, String id) throws RuleSetRejectedException {
        return compile(new RuleSetLoader().load(folder, shared, id));
    }
}
