package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;

/**
 * A settled streak names exactly the properties the alert rules test that moved: the engine hands them to Drools, so a
 * name left out is a rule never woken, and a name too many wakes rules for nothing. Whether a run has lasted its row's
 * hysteresis (raising, resolving) moves only when the run reaches it or falls short of it again.
 */
class StreakTest {

    private static final SeriesKey SERIES = new SeriesKey("maidstone", "ksi-casualties", "maidstone");

    /** Row 3's hysteresis is 2 periods, row 4's is 1; the rule set has no other row. */
    private static int hysteresis(int row) {
        return row == 3 ? 2 : row == 4 ? 1 : Integer.MAX_VALUE;
    }

    /** The series' assessments as the engine would hold them; the streak reads them newest first. */
    private final List<Assessment> held = new ArrayList<>();

    private Streak streak(boolean quiet) {
        return new Streak(SERIES, () -> held.stream().sorted(Comparator.comparing(Assessment::period).reversed()).iterator(),
                quiet, StreakTest::hysteresis);
    }

    private String[] rate(Streak s, int month, Rating rating, int row) {
        Assessment a = new Assessment("maidstone", "ksi-casualties", "maidstone", Period.month(2016, month), BigDecimal.ONE,
                BigDecimal.ONE, rating, Direction.NONE, Direction.NONE, row);
        held.removeIf(h -> h.period().equals(a.period()));
        held.add(a);
        s.assessed(a);
        return s.settle();
    }

    @Test
    void an_alert_run_one_short_of_its_hysteresis_is_not_raising_and_raises_once_it_reaches_it() {
        Streak s = streak(false);
        assertArrayEquals(new String[] {"rating", "targetRow"}, rate(s, 1, Rating.AMBER, 3));
        assertFalse(s.isRaising());
        assertArrayEquals(new String[] {"raising"}, rate(s, 2, Rating.AMBER, 3));
        assertTrue(s.isRaising());
    }

    @Test
    void an_alert_run_growing_past_its_hysteresis_moves_nothing_the_rules_test() {
        Streak s = streak(false);
        rate(s, 1, Rating.AMBER, 3);
        rate(s, 2, Rating.AMBER, 3);
        assertArrayEquals(Streak.UNCHANGED, rate(s, 3, Rating.AMBER, 3));
        assertEquals(3, s.getAlertRun());
        assertTrue(s.isRaising());
    }

    @Test
    void a_green_run_one_short_of_its_hysteresis_is_not_resolving_and_resolves_once_it_reaches_it_then_moves_nothing() {
        Streak s = streak(false);
        assertArrayEquals(new String[] {"rating", "targetRow"}, rate(s, 1, Rating.GREEN, 3));
        assertFalse(s.isResolving());
        assertArrayEquals(new String[] {"resolving"}, rate(s, 2, Rating.GREEN, 3));
        assertTrue(s.isResolving());
        assertArrayEquals(Streak.UNCHANGED, rate(s, 3, Rating.GREEN, 3));
        assertEquals(3, s.getGreenRun());
    }

    @Test
    void a_red_period_after_an_amber_one_moves_the_rating_the_red_run_and_raising_at_the_hysteresis() {
        Streak s = streak(false);
        rate(s, 1, Rating.AMBER, 3);
        assertArrayEquals(new String[] {"rating", "redRun", "raising"}, rate(s, 2, Rating.RED, 3));
    }

    @Test
    void a_green_period_after_a_red_one_moves_the_rating_the_red_run_and_both_thresholds() {
        Streak s = streak(false);
        assertArrayEquals(new String[] {"rating", "targetRow", "redRun", "raising"}, rate(s, 1, Rating.RED, 4));
        assertArrayEquals(new String[] {"rating", "redRun", "raising", "resolving"}, rate(s, 2, Rating.GREEN, 4));
    }

    @Test
    void a_grey_newest_period_moves_nothing() {
        Streak s = streak(false);
        rate(s, 1, Rating.GREEN, 3);
        assertArrayEquals(Streak.UNCHANGED, rate(s, 2, Rating.GREY, 3));
        assertArrayEquals(new String[] {"resolving"}, rate(s, 3, Rating.GREEN, 3));
    }

    @Test
    void a_quiet_series_turning_amber_past_its_hysteresis_moves_its_rating_but_never_raises() {
        Streak s = streak(true);
        rate(s, 1, Rating.GREEN, 4);
        assertArrayEquals(new String[] {"rating", "resolving"}, rate(s, 2, Rating.AMBER, 4));
        assertArrayEquals(Streak.UNCHANGED, rate(s, 3, Rating.AMBER, 4));
        assertFalse(s.isAlerting());
        assertFalse(s.isRaising());
    }

    @Test
    void an_earlier_period_revised_within_the_run_moves_nothing_and_revised_out_of_it_moves_the_threshold_it_broke() {
        Streak s = streak(false);
        rate(s, 1, Rating.AMBER, 3);
        rate(s, 2, Rating.AMBER, 3);
        rate(s, 3, Rating.AMBER, 3);
        // a red middle period leaves the alert run at 3 and the red run (the newest is amber) at 0
        assertArrayEquals(Streak.UNCHANGED, rate(s, 2, Rating.RED, 3));
        // a green one cuts the alert run to 1, short of row 3's hysteresis of 2
        assertArrayEquals(new String[] {"raising"}, rate(s, 2, Rating.GREEN, 3));
        assertEquals(1, s.getAlertRun());
    }

    @Test
    void a_newer_period_rated_by_another_row_is_held_to_that_rows_hysteresis() {
        Streak s = streak(false);
        rate(s, 1, Rating.RED, 3);
        // a green run of one: short of row 3's hysteresis of 2, enough for row 4's of 1
        assertArrayEquals(new String[] {"rating", "targetRow", "redRun", "resolving"}, rate(s, 2, Rating.GREEN, 4));
        assertTrue(s.isResolving());
    }

    @Test
    void a_row_the_rule_set_does_not_have_never_raises_or_resolves() {
        Streak s = streak(false);
        rate(s, 1, Rating.RED, 9);
        rate(s, 2, Rating.RED, 9);
        assertFalse(s.isRaising());
        rate(s, 3, Rating.GREEN, 9);
        assertFalse(s.isResolving());
    }
}
