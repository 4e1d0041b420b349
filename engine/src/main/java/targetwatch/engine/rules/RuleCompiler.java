package targetwatch.engine.rules;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.drools.model.codegen.ExecutableModelProject;
import org.drools.template.ObjectDataCompiler;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;

import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * The one place rules are built at run time: each target row through its kind's template, plus the
 * cross-cutting DRL, compiled with the executable model into a KieBase beside whatever is running.
 */
public final class RuleCompiler {

    private static final String RESOURCES = "src/main/resources/targetwatch/rules/";

    /**
     * Compiles a checked rule set.
     *
     * @throws RuleSetRejectedException when a template or DRL file does not compile (a developer's error)
     */
    public CompiledRules compile(RuleSet ruleSet) throws RuleSetRejectedException {
        long started = System.nanoTime();
        Map<String, String> drl = generate(ruleSet);
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("targetwatch", "ruleset", "1.0.0-" + UUID.randomUUID());
        var kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        drl.forEach((name, text) -> kfs.write(RESOURCES + name, text));
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
        List<Message> messages = builder.getResults().getMessages(Message.Level.ERROR);
        if (!messages.isEmpty()) {
            List<RuleSetError> errors = new ArrayList<>();
            for (Message m : messages) {
                String path = m.getPath() == null ? "" : m.getPath().replace(RESOURCES, "");
                errors.add(new RuleSetError(path.isEmpty() ? "rules" : path, m.getLine(), "", m.getText()));
            }
            throw new RuleSetRejectedException(errors);
        }
        KieContainer container = ks.newKieContainer(releaseId);
        KieBase kieBase = container.getKieBase();
        ks.getRepository().removeKieModule(releaseId);
        return new CompiledRules(ruleSet, kieBase, drl, Duration.ofNanos(System.nanoTime() - started));
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
