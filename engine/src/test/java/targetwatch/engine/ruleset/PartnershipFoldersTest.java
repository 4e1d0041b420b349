package targetwatch.engine.ruleset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.TestReadings;
import targetwatch.engine.model.Reading;

/**
 * One rules folder per partnership: a root of partnership folders, each named by its id and sharing the root's
 * reference files, or one partnership's folder as before tenants (read as the partnership its settings.csv names,
 * or the default one).
 */
class PartnershipFoldersTest {

    private final RuleSetLoader loader = new RuleSetLoader();

    /** A root with maidstone and tunbridge-wells, each its own district, sharing areas.csv and bank-holidays.csv. */
    private static Path kentLike(Path root) throws IOException {
        Path maidstone = RuleFolders.copyOfReal(root.resolve("maidstone"));
        Path tw = RuleFolders.copyOfReal(root.resolve("tunbridge-wells"));
        for (String shared : List.of("areas.csv", "bank-holidays.csv")) {
            Files.move(maidstone.resolve(shared), root.resolve(shared));
            Files.delete(tw.resolve(shared));
        }
        RuleFolders.write(maidstone.resolve("settings.csv"), "setting,value", "partnership_name,Safer Maidstone Partnership",
                "area,maidstone");
        RuleFolders.write(tw.resolve("settings.csv"), "setting,value", "area,tunbridge-wells");
        return root;
    }

    @Test
    void a_root_of_partnership_folders_is_one_rule_set_per_folder_named_by_it_sharing_the_roots_reference_files(
            @TempDir Path dir) throws Exception {
        RuleSetLayout layout = RuleSetLayout.of(kentLike(dir));
        assertFalse(layout.single());
        assertEquals(List.of("maidstone", "tunbridge-wells"), List.copyOf(layout.partnerships().keySet()));
        Map<String, RuleSet> sets = layout.load(loader);
        RuleSet tw = sets.get("tunbridge-wells");
        assertEquals("tunbridge-wells", tw.partnership().id());
        assertEquals("Tunbridge Wells Community Safety Partnership", tw.partnership().name(), "named from its id when settings.csv does not");
        assertEquals("Safer Maidstone Partnership", sets.get("maidstone").partnership().name());
        // the shared bank holidays count: 27 December 2016 (Boxing Day, a Tuesday) is no working day
        assertFalse(tw.workingDays().isWorkingDay(java.time.LocalDate.of(2016, 12, 27)));
        assertTrue(RuleSetFiles.read(dir.resolve("tunbridge-wells"), dir).containsKey("areas.csv"),
                "a stored version holds the shared files it used, so that it is whole by itself");
    }

    @Test
    void a_partnership_with_its_own_area_takes_readings_for_it_and_its_comparators_and_refuses_a_neighbours(
            @TempDir Path dir) throws Exception {
        Map<String, RuleSet> sets = RuleSetLayout.of(kentLike(dir)).load(loader);
        RuleSet tw = sets.get("tunbridge-wells");
        assertTrue(tw.takesArea("tunbridge-wells"));
        assertTrue(tw.takesArea("kent"), "kent is the comparator of da-incidents-per-1000");
        assertFalse(tw.takesArea("maidstone"));
        assertTrue(tw.areas().problemWith("maidstone", tw.comparatorAreas()).orElseThrow().contains("not this partnership's"));
    }

    @Test
    void a_feeds_reading_goes_to_every_partnership_taking_its_area_and_the_force_area_to_all(@TempDir Path dir)
            throws Exception {
        Map<String, RuleSet> sets = RuleSetLayout.of(kentLike(dir)).load(loader);
        Reading district = TestReadings.maidstone("asb-incidents-per-1000", "tunbridge-wells", "2019-01", "12.5");
        List<Reading> toTw = FeedFanout.assign(district, sets.values());
        assertEquals(1, toTw.size());
        assertEquals("tunbridge-wells", toTw.get(0).partnership());
        assertEquals(new BigDecimal("12.5"), toTw.get(0).value());
        List<Reading> force = FeedFanout.assign(TestReadings.maidstone("asb-incidents-per-1000", "kent", "2019-01", "20"),
                sets.values());
        assertEquals(List.of("maidstone", "tunbridge-wells"), force.stream().map(Reading::partnership).toList());
        assertTrue(FeedFanout.assign(TestReadings.maidstone("asb-incidents-per-1000", "medway", "2019-01", "20"),
                sets.values()).isEmpty(), "no partnership of these takes Medway");
    }

    @Test
    void one_partnerships_folder_is_read_as_the_partnership_its_settings_name_or_the_default(@TempDir Path a,
                                                                                             @TempDir Path b) throws Exception {
        RuleSetLayout plain = RuleSetLayout.of(RuleFolders.copyOfReal(a));
        assertTrue(plain.single());
        assertNull(plain.shared());
        assertEquals(List.of("maidstone"), List.copyOf(plain.partnerships().keySet()));
        RuleFolders.copyOfReal(b);
        RuleFolders.write(b.resolve("settings.csv"), "setting,value", "partnership,swale", "partnership_name,Safer Swale Partnership");
        RuleSetLayout named = RuleSetLayout.of(b);
        assertEquals(List.of("swale"), List.copyOf(named.partnerships().keySet()));
        assertEquals("Safer Swale Partnership", named.load(loader).get("swale").partnership().name());
    }

    @Test
    void a_partnership_folders_settings_naming_another_partnership_are_refused_with_the_row(@TempDir Path dir) throws Exception {
        kentLike(dir);
        RuleFolders.write(dir.resolve("tunbridge-wells/settings.csv"), "setting,value", "partnership,maidstone");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> RuleSetLayout.of(dir).load(loader));
        RuleSetError error = e.errors().get(0);
        assertEquals("tunbridge-wells/settings.csv", error.file());
        assertEquals(2, error.row());
        assertTrue(error.message().contains("\"tunbridge-wells\""), error.message());
    }

    @Test
    void an_own_area_not_in_the_areas_list_is_refused(@TempDir Path dir) throws Exception {
        kentLike(dir);
        RuleFolders.write(dir.resolve("tunbridge-wells/settings.csv"), "setting,value", "area,royal-tunbridge-wells");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> RuleSetLayout.of(dir).load(loader));
        assertTrue(e.errors().get(0).message().contains("not listed in areas.csv"), e.errors().toString());
    }

    @Test
    void a_root_without_partnership_folders_and_a_folder_not_named_as_an_id_are_refused(@TempDir Path empty,
                                                                                        @TempDir Path badName) throws Exception {
        Files.createDirectories(empty.resolve("notes"));
        assertTrue(assertThrows(RuleSetRejectedException.class, () -> RuleSetLayout.of(empty)).errors().get(0).message()
                .contains("no partnership folders"));
        RuleFolders.copyOfReal(badName.resolve("Tunbridge Wells"));
        assertTrue(assertThrows(RuleSetRejectedException.class, () -> RuleSetLayout.of(badName)).errors().get(0).message()
                .contains("named by its id"));
    }
}
