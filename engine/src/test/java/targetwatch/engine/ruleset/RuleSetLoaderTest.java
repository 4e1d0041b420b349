package targetwatch.engine.ruleset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Target;
import targetwatch.engine.rules.RuleCompiler;

/**
 * The rule set loader refuses a rule set with any bad cell, naming file, row and column, before anything
 * reaches a template or the compiler. Each test copies the real rules/ folder and changes one thing.
 */
class RuleSetLoaderTest {

    private static final String CODE = "20); System.exit(1); (";

    @TempDir
    Path folder;
    private Path targets;
    private Path contacts;

    @BeforeEach
    void copyTheRealRuleSet() throws Exception {
        RuleFolders.copyOfReal(folder);
        targets = folder.resolve(RuleSetLoader.TARGETS);
        contacts = folder.resolve(RuleSetLoader.CONTACTS);
    }

    /**
     * Asserts the folder is refused with exactly these errors by the loader itself, and that compiling it
     * stops at the loader too: the compiler is never reached.
     */
    private void assertRefusedBeforeCompiling(List<RuleSetError> expected) {
        RuleSetRejectedException byLoader = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(folder));
        assertEquals(expected, byLoader.errors());
        RuleSetRejectedException byCompiler = assertThrows(RuleSetRejectedException.class, () -> new RuleCompiler().load(folder));
        assertEquals(expected, byCompiler.errors());
        Set<String> thrownFrom = Arrays.stream(byCompiler.getStackTrace())
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .collect(Collectors.toSet());
        assertTrue(thrownFrom.contains("RuleSetLoader.load"), thrownFrom.toString());
        assertFalse(thrownFrom.contains("RuleCompiler.compile"), "the compiler was reached: " + thrownFrom);
    }

    private static RuleSetError targetsError(int row, String column, String message) {
        return new RuleSetError(RuleSetLoader.TARGETS, row, column, message);
    }

    @Test
    void the_real_rule_set_loads_with_a_target_per_row_and_a_template_per_kind() throws Exception {
        RuleSet rules = new RuleSetLoader().load(RuleFolders.real());
        assertEquals(RuleFolders.rowCount(RuleFolders.real().resolve(RuleSetLoader.TARGETS)), rules.targets().size());
        for (Target t : rules.targets()) {
            assertTrue(rules.contact(t.lead()).isPresent(), t.indicator() + " lead " + t.lead());
        }
        for (Kind k : Kind.values()) {
            assertTrue(rules.templates().containsKey(k.code()), "template " + k.code());
        }
        assertEquals(64, rules.checksum().length());
    }

    @Test
    void an_unknown_kind_is_refused_at_its_row_and_column() throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", "kind", "reduce-by");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "kind", "\"reduce-by\" is not a kind (expected one of "
                + "reduce-to, increase-to, below-comparator, maintain, deliver-annually)")));
    }

    @Test
    void a_target_written_in_words_is_refused_as_not_a_number() throws Exception {
        // when
        int row = RuleFolders.editCell(targets, "ksi-casualties", "target", "forty");
        // then
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(folder));
        assertEquals("targets.csv:" + row + ":target: \"forty\" is not a number", e.errors().get(0).toString());
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target", "\"forty\" is not a number")));
        assertTrue(e.getMessage().contains("targets.csv:" + row + ":target: \"forty\" is not a number"), e.getMessage());
    }

    @Test
    void a_target_date_before_the_baseline_date_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "asb-satisfaction", "target_date", "2010-03-31");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target_date",
                "2010-03-31 is not after the baseline_date 2011-09-30")));
    }

    @Test
    void a_target_date_on_the_baseline_date_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "asb-satisfaction", "target_date", "2011-09-30");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target_date",
                "2011-09-30 is not after the baseline_date 2011-09-30")));
    }

    @Test
    void a_date_that_does_not_exist_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "asb-satisfaction", "target_date", "2018-02-30");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target_date", "\"2018-02-30\" is not a real date")));
    }

    @Test
    void a_lead_who_is_not_in_contacts_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "needles-collected", "lead", "lead-nobody");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "lead", "\"lead-nobody\" is not an id in contacts.csv")));
    }

    @Test
    void removing_a_contact_refuses_every_row_it_leads() throws Exception {
        // given the rows led by the road safety lead
        List<Integer> rows = RuleFolders.rowsWhere(targets, "lead", "lead-road-safety");
        assertFalse(rows.isEmpty());
        // when the contact is removed
        RuleFolders.removeRow(contacts, "lead-road-safety");
        // then
        assertRefusedBeforeCompiling(rows.stream()
                .map(row -> targetsError(row, "lead", "\"lead-road-safety\" is not an id in contacts.csv")).toList());
    }

    @Test
    void a_below_comparator_row_without_a_comparator_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "da-incidents-per-1000", "comparator_area", "");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "comparator_area", "is required")));
    }

    @Test
    void a_target_value_is_required_except_for_below_comparator() throws Exception {
        int row = RuleFolders.editCell(targets, "perception-drugs", "target", "");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target", "is required")));
    }

    @Test
    void a_cell_holding_code_in_the_target_column_is_refused_as_not_a_number() throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", "target", CODE);
        assertRefusedBeforeCompiling(List.of(targetsError(row, "target", "\"" + CODE + "\" is not a number")));
    }

    @ParameterizedTest(name = "code in the {0} column is refused")
    @CsvSource(delimiter = '|', value = {
            "indicator       | is not a lower-case identifier such as ksi-casualties (letters, digits and hyphens)",
            "priority        | is not a lower-case identifier such as ksi-casualties (letters, digits and hyphens)",
            "comparator_area | is not a lower-case identifier such as ksi-casualties (letters, digits and hyphens)",
            "lead            | is not a lower-case identifier such as ksi-casualties (letters, digits and hyphens)",
            "baseline        | is not a number",
            "tolerance_pct   | is not a number",
            "baseline_date   | is not a date written yyyy-mm-dd",
            "target_date     | is not a date written yyyy-mm-dd",
            "unit            | is not a unit (expected one of per-1000, percent, count)",
            "kind            | is not a kind (expected one of reduce-to, increase-to, below-comparator, maintain, deliver-annually)",
            "polarity        | is not a polarity (expected one of lower, higher, none)",
            "frequency       | is not a frequency (expected one of month, quarter, year, financial-year)",
    })
    void a_cell_holding_code_is_refused_in_every_column_that_reaches_a_rule(String column, String why) throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", column, CODE);
        assertRefusedBeforeCompiling(List.of(targetsError(row, column, "\"" + CODE + "\" " + why)));
    }

    @Test
    void a_name_starting_like_a_spreadsheet_formula_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", "name", "=HYPERLINK(\"http://example.org\")");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "name",
                "\"=HYPERLINK(\"http://example.org\")\" starts like a spreadsheet formula; write it as plain text")));
    }

    @Test
    void a_tolerance_beyond_100_percent_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", "tolerance_pct", "150");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "tolerance_pct", "150 is not a percentage between 0 and 100")));
    }

    @Test
    void a_blank_tolerance_means_five_percent() throws Exception {
        RuleFolders.editCell(targets, "ksi-casualties", "tolerance_pct", "");
        Target ksi = new RuleSetLoader().load(folder).targetFor("maidstone", "ksi-casualties").orElseThrow();
        assertEquals(0, ksi.tolerancePct().compareTo(Target.DEFAULT_TOLERANCE_PCT));
    }

    @Test
    void a_baseline_outside_its_unit_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "asb-satisfaction", "baseline", "180.6");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "baseline", "a percentage must be between 0 and 100, got 180.6")));
    }

    @Test
    void a_deliver_annually_target_must_count_upwards() throws Exception {
        int row = RuleFolders.editCell(targets, "rush-year11-delivery", "polarity", "lower");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "polarity",
                "a deliver-annually target is for an indicator where higher is better: its polarity must be higher")));
    }

    @Test
    void a_reduce_to_target_must_be_for_an_indicator_where_lower_is_better() throws Exception {
        int row = RuleFolders.editCell(targets, "ksi-casualties", "polarity", "higher");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "polarity",
                "a reduce-to target is for an indicator where lower is better: its polarity must be lower")));
    }

    @Test
    void an_increase_to_target_must_be_for_an_indicator_where_higher_is_better() throws Exception {
        int row = RuleFolders.editCell(targets, "asb-satisfaction", "polarity", "lower");
        assertRefusedBeforeCompiling(List.of(targetsError(row, "polarity",
                "an increase-to target is for an indicator where higher is better: its polarity must be higher")));
    }

    @Test
    void a_second_row_for_the_same_indicator_is_refused() throws Exception {
        int row = RuleFolders.editCell(targets, "needles-collected", "indicator", "ksi-casualties");
        int first = RuleFolders.rowsWhere(targets, "indicator", "ksi-casualties").get(0);
        assertRefusedBeforeCompiling(List.of(targetsError(row, "indicator",
                "\"ksi-casualties\" already has a target on row " + first)));
    }

    @Test
    void an_error_after_an_empty_line_names_the_line_the_secretariat_sees() throws Exception {
        // given targets.csv edited in a text editor, with an empty line after the header
        int row = RuleFolders.editCell(targets, "ksi-casualties", "target", "forty");
        Files.writeString(targets, Files.readString(targets).replaceFirst("\n", "\n\n"));
        // then the error names the line that holds the bad cell
        assertRefusedBeforeCompiling(List.of(targetsError(row + 1, "target", "\"forty\" is not a number")));
    }

    @Test
    void empty_and_blank_lines_are_skipped() throws Exception {
        int rows = RuleFolders.rowCount(targets);
        Files.writeString(targets, Files.readString(targets).replaceFirst("\n", "\n   \n") + "\n\n");
        assertEquals(rows, new RuleSetLoader().load(folder).targets().size());
    }

    @Test
    void every_error_is_reported_at_once() throws Exception {
        int forty = RuleFolders.editCell(targets, "ksi-casualties", "target", "forty");
        int kind = RuleFolders.editCell(targets, "asb-satisfaction", "kind", "increase");
        int lead = RuleFolders.editCell(targets, "needles-collected", "lead", "lead-nobody");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(folder));
        assertEquals(List.of(kind, forty, lead), e.errors().stream().map(RuleSetError::row).toList());
    }

    @Test
    void a_missing_column_is_refused_naming_it() throws Exception {
        String text = Files.readString(targets).replaceFirst(",lead,", ",leader,");
        Files.writeString(targets, text);
        assertRefusedBeforeCompiling(List.of(targetsError(1, "", "missing column lead")));
    }

    @Test
    void a_missing_contacts_file_is_refused() throws Exception {
        Files.delete(contacts);
        assertRefusedBeforeCompiling(List.of(new RuleSetError(RuleSetLoader.CONTACTS, 0, "",
                "is missing from the rule set folder " + folder)));
    }

    @Test
    void a_contact_without_a_real_email_address_is_refused() throws Exception {
        int row = RuleFolders.editCell(contacts, "smp-chair", "email", "smp-chair at example.org");
        assertRefusedBeforeCompiling(List.of(new RuleSetError(RuleSetLoader.CONTACTS, row, "email",
                "\"smp-chair at example.org\" is not an email address")));
    }

    @Test
    void a_kind_without_its_template_in_the_release_is_refused() throws Exception {
        List<Integer> rows = RuleFolders.rowsWhere(targets, "kind", "maintain");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class,
                () -> new RuleSetLoader(ReleaseRules.shipped().withoutTemplate("maintain")).load(folder));
        assertEquals(rows.stream()
                .map(row -> targetsError(row, "kind", "no template templates/maintain.drt for this kind in the rule set")).toList(),
                e.errors());
    }

    @Test
    void drl_or_a_template_in_the_rules_folder_is_refused_as_code_that_comes_only_with_a_release() throws Exception {
        RuleFolders.write(folder.resolve("backdoor.drl"), "package targetwatch.rules;", "rule \"x\" when then end");
        Files.createDirectories(folder.resolve("templates"));
        RuleFolders.write(folder.resolve("templates").resolve("reduce-to.drt"), "template header");
        assertRefusedBeforeCompiling(List.of(new RuleSetError("backdoor.drl", 0, "", RuleSetLoader.DEVELOPER_OWNED),
                new RuleSetError("templates/reduce-to.drt", 0, "", RuleSetLoader.DEVELOPER_OWNED)));
    }

    @Test
    void the_rules_folder_holds_only_the_secretariat_s_data_and_the_templates_and_drl_come_from_the_release() throws Exception {
        try (var files = Files.walk(RuleFolders.real())) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).map(p -> RuleFolders.real().relativize(p).toString())
                    .filter(RuleSetFiles::isDeveloperOwned).toList());
        }
        RuleSet rules = new RuleSetLoader().load(RuleFolders.real());
        assertEquals(ReleaseRules.shipped().templates(), rules.templates());
        assertEquals(java.util.Set.of("alerts"), rules.drl().keySet());
    }

    private void escalation(String... rows) throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of("priority,alert,level,recipients,after_red_periods,"
                + "after_working_days,remind_every_working_days,ack_lasts_working_days,max_reminders,remind_lower_levels"));
        lines.addAll(List.of(rows));
        RuleFolders.write(folder.resolve(RuleSetLoader.ESCALATION), lines.toArray(String[]::new));
    }

    private static RuleSetError escalationError(int row, String column, String message) {
        return new RuleSetError(RuleSetLoader.ESCALATION, row, column, message);
    }

    @Test
    void the_reminder_limit_and_who_is_reminded_are_read_from_escalation_csv() throws Exception {
        escalation("*,rating,1,lead,,,5,,3,", "*,rating,2,smp-chair,2,,5,,0,yes", "*,late-data,1,data-contact,,,5,,,");
        var levels = new RuleSetLoader().load(folder).escalationFor("asb", targetwatch.engine.model.AlertKind.RATING);
        assertEquals(3, levels.get(0).maxReminders());
        assertFalse(levels.get(0).remindLowerLevels());
        assertEquals(0, levels.get(1).maxReminders());
        assertTrue(levels.get(1).remindLowerLevels());
        var late = new RuleSetLoader().load(folder).escalationFor("asb", targetwatch.engine.model.AlertKind.LATE_DATA);
        assertEquals(null, late.get(0).maxReminders(), "blank: no limit");
    }

    @Test
    void an_escalation_file_without_the_reminder_columns_still_loads_with_no_limit() throws Exception {
        RuleFolders.write(folder.resolve(RuleSetLoader.ESCALATION),
                "priority,alert,level,recipients,after_red_periods,after_working_days,remind_every_working_days,ack_lasts_working_days",
                "*,rating,1,lead,,,5,");
        var level = new RuleSetLoader().load(folder).escalationFor("asb", targetwatch.engine.model.AlertKind.RATING).get(0);
        assertEquals(null, level.maxReminders());
        assertFalse(level.remindLowerLevels());
    }

    @Test
    void a_reminder_limit_that_is_not_a_whole_number_in_range_is_refused_at_its_cell() throws Exception {
        escalation("*,rating,1,lead,,,5,,three,", "*,rating,2,smp-chair,2,,5,,21,", "*,rating,3,overview-scrutiny,3,,5,,-1,");
        assertRefusedBeforeCompiling(List.of(escalationError(2, "max_reminders", "\"three\" is not a whole number"),
                escalationError(3, "max_reminders", "21 is not between 0 and 20"),
                escalationError(4, "max_reminders", "-1 is not between 0 and 20")));
    }

    @Test
    void a_reminder_limit_or_lower_levels_on_a_level_without_reminders_is_refused() throws Exception {
        escalation("*,rating,1,lead,,,,,2,", "*,rating,2,smp-chair,2,,,,,yes");
        assertRefusedBeforeCompiling(List.of(
                escalationError(2, "max_reminders", "there are no reminders to limit: remind_every_working_days is blank"),
                escalationError(3, "remind_lower_levels", "there are no reminders at this level: remind_every_working_days is blank")));
    }

    @Test
    void remind_lower_levels_other_than_yes_or_no_is_refused() throws Exception {
        escalation("*,rating,1,lead,,,5,,,always");
        assertRefusedBeforeCompiling(List.of(escalationError(2, "remind_lower_levels", "\"always\" is not yes or no")));
    }

    @Test
    void a_folder_that_does_not_exist_is_refused() {
        Path nowhere = folder.resolve("nowhere");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> new RuleSetLoader().load(nowhere));
        assertEquals(List.of(new RuleSetError(nowhere.toString(), 0, "", "is not a folder")), e.errors());
    }
}
