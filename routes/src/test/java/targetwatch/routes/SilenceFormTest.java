package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Silence;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.routes.pages.SilenceForm;

/**
 * The silence form checked field by field against the real rule set before it becomes a row of silences.csv: what it
 * silences, its last day (today is the first day it may end), the reason and its author; and the row it adds reads
 * back through the loader as the silence asked for.
 */
class SilenceFormTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);
    private static RuleSet rules;

    @BeforeAll
    static void load() throws Exception {
        rules = new RuleSetLoader().load(Path.of(System.getProperty("targetwatch.rules")));
    }

    private static SilenceForm form(String subject, String day, String month, String year, String reason, String author) {
        return new SilenceForm(subject, day, month, year, reason, author);
    }

    private static List<String> problems(SilenceForm f) {
        return f.problems(rules, TODAY).stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void a_complete_form_for_an_indicator_or_a_priority_has_no_problem() {
        assertEquals(List.of(), problems(form("indicator:ksi-casualties", "31", "3", "2027", "New camera data", "lead-road-safety")));
        assertEquals(List.of(), problems(form("priority:road-safety", " 31 ", "03", "2027", "New camera data", "lead-road-safety")));
    }

    @Test
    void a_silence_may_end_today_but_not_yesterday() {
        assertEquals(List.of(), problems(form("indicator:ksi-casualties", "2", "12", "2026", "r", "lead-road-safety")));
        assertEquals(List.of("until-day: The last day of the silence must be today or in the future"),
                problems(form("indicator:ksi-casualties", "1", "12", "2026", "r", "lead-road-safety")));
    }

    @Test
    void an_empty_form_names_every_field_in_the_order_it_asks_for_them() {
        assertEquals(List.of("subject: Choose the indicator or priority to silence",
                        "until-day: Enter the last day of the silence",
                        "reason: Enter why the alerts are silenced",
                        "author: Choose who answers for the silence"),
                problems(form("", "", "", "", "", "")));
    }

    @Test
    void a_date_that_is_not_real_links_to_the_first_field_that_is_wrong() {
        assertEquals(List.of("until-day: The last day of the silence must be a real date, with a 4-digit year"),
                problems(form("indicator:ksi-casualties", "30", "2", "2027", "r", "lead-road-safety")));
        assertEquals(List.of("until-month: The last day of the silence must be a real date, with a 4-digit year"),
                problems(form("indicator:ksi-casualties", "3", "13", "2027", "r", "lead-road-safety")));
        assertEquals(List.of("until-year: The last day of the silence must be a real date, with a 4-digit year"),
                problems(form("indicator:ksi-casualties", "3", "3", "27", "r", "lead-road-safety")));
    }

    @Test
    void the_subject_must_be_an_active_indicator_or_priority_and_the_author_a_contact() {
        assertEquals(List.of("subject: Choose the indicator or priority to silence", "author: Choose who answers for the silence"),
                problems(form("indicator:no-such-indicator", "31", "3", "2027", "r", "someone-else")));
        assertEquals(List.of("subject: Choose the indicator or priority to silence"),
                problems(form("priority:no-such-priority", "31", "3", "2027", "r", "lead-road-safety")));
        assertEquals(List.of("subject: Choose the indicator or priority to silence"),
                problems(form("ksi-casualties", "31", "3", "2027", "r", "lead-road-safety")));
    }

    @Test
    void a_reason_of_200_characters_is_taken_and_one_of_201_is_not() {
        assertEquals(List.of(), problems(form("indicator:ksi-casualties", "31", "3", "2027", "x".repeat(200), "lead-road-safety")));
        assertEquals(List.of("reason: The reason must be 200 characters or fewer (it has 201)"),
                problems(form("indicator:ksi-casualties", "31", "3", "2027", "x".repeat(201), "lead-road-safety")));
        assertEquals(List.of("reason: The reason must be plain text on one line"),
                problems(form("indicator:ksi-casualties", "31", "3", "2027", "one\ntwo", "lead-road-safety")));
    }

    @Test
    void the_row_it_adds_keeps_the_silences_already_there_and_reads_back_as_the_silence_asked_for(@TempDir Path folder)
            throws Exception {
        String before = "indicator,priority,until,reason,author\n,asb,2027-01-31,\"Police, council: new system\",lead-asb\n";
        String after = form("indicator:ksi-casualties", "31", "3", "2027", "Cameras \"offline\", awaiting data",
                "lead-road-safety").appendTo(before);

        assertEquals(before, after.substring(0, before.length()), "the rows already there are kept as they were");
        SecretariatFiles.copyOfReal(folder);
        SecretariatFiles.replace(folder, "silences.csv", after);
        List<Silence> silences = new RuleSetLoader().load(folder).silences();
        assertEquals(2, silences.size());
        Silence added = silences.get(1);
        assertEquals("ksi-casualties", added.indicator());
        assertNull(added.priority());
        assertEquals(LocalDate.of(2027, 3, 31), added.until());
        assertEquals("Cameras \"offline\", awaiting data", added.reason());
        assertEquals("lead-road-safety", added.author());
    }

    @Test
    void a_rule_set_without_silences_gets_the_header_with_the_row() {
        assertEquals("indicator,priority,until,reason,author\n,road-safety,2027-03-31,Camera upgrade,lead-road-safety\n",
                form("priority:road-safety", "31", "3", "2027", "Camera upgrade", "lead-road-safety").appendTo(null));
    }

    @Test
    void a_loader_error_about_silences_links_to_the_field_it_is_about() {
        assertEquals("subject", SilenceForm.fieldOf(new RuleSetError("silences.csv", 3, "priority", "x")));
        assertEquals("until-day", SilenceForm.fieldOf(new RuleSetError("silences.csv", 3, "until", "x")));
        assertEquals("author", SilenceForm.fieldOf(new RuleSetError("silences.csv", 3, "author", "x")));
        assertNull(SilenceForm.fieldOf(new RuleSetError("targets.csv", 3, "target", "x")));
    }
}
