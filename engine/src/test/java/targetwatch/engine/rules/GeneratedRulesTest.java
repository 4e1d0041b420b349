package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;

/** What the kind templates generate from targets.csv, read as DRL text before anything is compiled. */
class GeneratedRulesTest {

    private static final Pattern RULE = Pattern.compile("rule \"targets\\.csv row (\\d+): ([a-z0-9-]+) ");

    @Test
    void every_target_row_becomes_exactly_one_rule_from_its_kinds_template() throws Exception {
        // given
        RuleSet ruleSet = new RuleSetLoader().load(RuleFolders.real());
        // when
        Map<String, String> drl = RuleCompiler.generate(ruleSet);
        // then
        for (Target t : ruleSet.targets()) {
            String file = "targets-" + t.kind().code() + ".drl";
            assertTrue(drl.containsKey(file), file);
            Matcher m = RULE.matcher(drl.get(file));
            int rules = 0;
            while (m.find()) {
                if (Integer.parseInt(m.group(1)) == t.row()) {
                    assertEquals(t.indicator(), m.group(2));
                    rules++;
                }
            }
            assertEquals(1, rules, "rules for row " + t.row());
        }
        long total = drl.entrySet().stream().filter(e -> e.getKey().startsWith("targets-"))
                .mapToLong(e -> RULE.matcher(e.getValue()).results().count()).sum();
        assertEquals(ruleSet.targets().size(), total);
        assertEquals(Kind.values().length, drl.keySet().stream().filter(k -> k.startsWith("targets-")).count());
    }

    @Test
    void code_in_a_free_text_cell_is_accepted_as_text_but_never_reaches_a_rule(@TempDir Path folder) throws Exception {
        // given a name cell holding code: names are for people, so the loader keeps it
        RuleFolders.copyOfReal(folder);
        RuleFolders.editCell(folder.resolve(RuleSetLoader.TARGETS), "ksi-casualties", "name", "20); System.exit(1); (");
        RuleSet ruleSet = new RuleSetLoader().load(folder);
        assertEquals("20); System.exit(1); (", ruleSet.targetFor("maidstone", "ksi-casualties").orElseThrow().name());
        // when
        Map<String, String> drl = RuleCompiler.generate(ruleSet);
        // then
        drl.forEach((file, text) -> assertFalse(text.contains("System.exit"), file));
    }
}
