package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A settled streak names exactly the properties that moved: the engine hands them to Drools, so a name left out is a
 * rule never woken, and a name too many wakes rules for nothing.
 */
class StreakTest {

    private static final SeriesKey SERIES = new SeriesKey("maidstone", "ksi-casualties", "maidstone");

    /** The series' assessments as the engine would hold them; the streak reads them newest first. */
    private final List<Assessment> held = new ArrayList<>();

    private Streak streak(boolean quiet) {
        return new Streak(SERIES, () -> held.stream().sorted(Comparator.comparing(Assessment::period).reversed()).iterator(),
                quiet);
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
    void the_first_amber_period_moves_the_latest_its_rating_alerting_its_row_and_the_alert_run_only() {
        Streak s = streak(false);
        assertArrayEquals(new String[] {"latest", "rating", "alerting", "targetRow", "alertRun"}, rate(s, 1, Rating.AMBER, 3));
    }

    @Test
    void a_green_period_after_a_green_one_moves_the_latest_and_the_green_run_only() {
        Streak s = streak(false);
        rate(s, 1, Rating.GREEN, 3);
        assertArrayEquals(new String[] {"latest", "greenRun"}, rate(s, 2, Rating.GREEN, 3));
        assertEquals(2, s.getGreenRun());
    }

    @Test
    void a_red_period_after_an_amber_one_moves_the_rating_and_both_red_runs_but_not_alerting() {
        Streak s = streak(false);
        rate(s, 1, Rating.AMBER, 3);
        assertArrayEquals(new String[] {"latest", "rating", "redRun", "alertRun"}, rate(s, 2, Rating.RED, 3));
    }

    @Test
    void a_green_period_after_a_red_one_moves_every_run_alerting_and_the_rating() {
        Streak s = streak(false);
        rate(s, 1, Rating.RED, 3);
        assertArrayEquals(new String[] {"latest", "rating", "alerting", "redRun", "alertRun", "greenRun"},
                rate(s, 2, Rating.GREEN, 3));
    }

    @Test
    void a_grey_newest_period_moves_nothing_while_a_rated_one_moves_the_latest() {
        Streak s = streak(false);
        rate(s, 1, Rating.GREEN, 3);
        assertArrayEquals(Streak.UNCHANGED, rate(s, 2, Rating.GREY, 3));
        assertArrayEquals(new String[] {"latest", "greenRun"}, rate(s, 3, Rating.GREEN, 3));
    }

    @Test
    void a_quiet_series_turning_amber_moves_its_rating_but_never_alerting() {
        Streak s = streak(true);
        rate(s, 1, Rating.GREEN, 3);
        assertArrayEquals(new String[] {"latest", "rating", "alertRun", "greenRun"}, rate(s, 2, Rating.AMBER, 3));
        assertEquals(false, s.isAlerting());
    }

    @Test
    void an_earlier_period_revised_within_the_run_moves_nothing_and_revised_out_of_it_moves_the_run_it_broke() {
        Streak s = streak(false);
        rate(s, 1, Rating.AMBER, 3);
        rate(s, 2, Rating.AMBER, 3);
        rate(s, 3, Rating.AMBER, 3);
        // a red middle period leaves the alert run at 3 and the red run (the newest is amber) at 0
        assertArrayEquals(Streak.UNCHANGED, rate(s, 2, Rating.RED, 3));
        assertArrayEquals(new String[] {"alertRun"}, rate(s, 2, Rating.GREEN, 3));
        assertEquals(1, s.getAlertRun());
    }

    @Test
    void a_newer_period_rated_by_another_row_moves_the_row() {
        Streak s = streak(false);
        rate(s, 1, Rating.GREEN, 3);
        assertArrayEquals(new String[] {"latest", "targetRow", "greenRun"}, rate(s, 2, Rating.GREEN, 4));
    }
}
