package targetwatch.engine.ruleset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertSettings;

/** settings.csv: how much alerting reaches people, each setting checked with its row and column. */
class SettingsTest {

    private static AlertSettings parse(List<RuleSetError> errors, String... rows) {
        return RuleSetLoader.parseSettings("setting,value\n" + String.join("\n", rows) + "\n", errors);
    }

    @Test
    void settings_left_out_keep_their_defaults() {
        List<RuleSetError> errors = new ArrayList<>();
        assertEquals(new AlertSettings(4, 10), parse(errors, "history_window_periods,4"));
        assertEquals(List.of(), errors);
    }

    @Test
    void the_daily_mail_budget_runs_from_1_to_1000_or_none() {
        List<RuleSetError> errors = new ArrayList<>();
        assertEquals(1, parse(errors, "daily_mail_budget,1").dailyMailBudget());
        assertEquals(1000, parse(errors, "daily_mail_budget,1000").dailyMailBudget());
        assertEquals(AlertSettings.NO_BUDGET, parse(errors, "daily_mail_budget,none").dailyMailBudget());
        assertEquals(List.of(), errors);

        parse(errors, "daily_mail_budget,0");
        parse(errors, "daily_mail_budget,1001");
        assertEquals(2, errors.size(), errors.toString());
        assertEquals(List.of("settings.csv:2:value", "settings.csv:2:value"),
                errors.stream().map(e -> e.file() + ":" + e.row() + ":" + e.column()).toList());
    }

    @Test
    void an_unknown_setting_is_refused_naming_those_there_are() {
        List<RuleSetError> errors = new ArrayList<>();
        parse(errors, "history_window_periods,1", "mail_budget,5");
        assertEquals(List.of(new RuleSetError("settings.csv", 3, "setting", "\"mail_budget\" is not a setting: use"
                + " history_window_periods, daily_mail_budget, unlisted_areas, partnership, partnership_name or area")), errors);
    }
}
