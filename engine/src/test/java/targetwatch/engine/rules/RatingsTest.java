package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static targetwatch.engine.DesignFormulas.assertClose;
import static targetwatch.engine.DesignFormulas.assertNumber;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import targetwatch.engine.DesignFormulas;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;

/** The arithmetic of DESIGN.md's target semantics, one function at a time. */
class RatingsTest {

    /** The Maidstone plan's ASB target: 22.67 per 1,000 on 2011-09-30 down to 20 on 2018-03-31 (2,374 days). */
    private static final BigDecimal BASELINE = new BigDecimal("22.67");
    private static final LocalDate BASELINE_DATE = LocalDate.of(2011, 9, 30);
    private static final BigDecimal TARGET = new BigDecimal("20");
    private static final LocalDate TARGET_DATE = LocalDate.of(2018, 3, 31);
    private static final BigDecimal FIVE_PERCENT = new BigDecimal("0.05");

    private static BigDecimal expectedOn(LocalDate d) {
        return Ratings.expected(BASELINE, BASELINE_DATE, TARGET, TARGET_DATE, d);
    }

    @Test
    void trajectory_is_the_baseline_on_the_baseline_date() {
        assertNumber("22.67", expectedOn(BASELINE_DATE));
    }

    @Test
    void trajectory_before_the_baseline_date_is_clamped_to_the_baseline() {
        assertNumber("22.67", expectedOn(BASELINE_DATE.minusDays(1)));
        assertNumber("22.67", expectedOn(LocalDate.of(2009, 3, 31)));
    }

    @Test
    void trajectory_half_way_in_days_is_half_way_between_baseline_and_target() {
        // given 1,187 of the 2,374 days
        LocalDate halfWay = BASELINE_DATE.plusDays(1187);
        // then
        assertEquals(LocalDate.of(2014, 12, 30), halfWay);
        assertNumber("21.335", expectedOn(halfWay));
    }

    @Test
    void trajectory_is_the_target_on_the_target_date_and_after_it() {
        assertNumber("20", expectedOn(TARGET_DATE));
        assertNumber("20", expectedOn(TARGET_DATE.plusDays(1)));
        assertNumber("20", expectedOn(LocalDate.of(2025, 12, 31)));
    }

    @Test
    void trajectory_agrees_with_the_design_formula_at_every_month_end() {
        for (Period m = Period.parse("2011-01"); m.compareTo(Period.parse("2019-12")) <= 0; m = m.next()) {
            assertClose(DesignFormulas.trajectory(BASELINE, BASELINE_DATE, TARGET, TARGET_DATE, m.end()), expectedOn(m.end()));
        }
    }

    @Test
    void trajectory_of_an_increase_runs_upwards() {
        // given 80.6 on 2011-09-30 up to 85 on 2018-03-31, half-way in days
        BigDecimal halfWay = Ratings.expected(new BigDecimal("80.6"), BASELINE_DATE, new BigDecimal("85"), TARGET_DATE,
                BASELINE_DATE.plusDays(1187));
        // then
        assertNumber("82.8", halfWay);
    }

    @Test
    void pro_rata_counts_both_ends_of_the_days_since_the_first_of_april() {
        // 1 April to 30 September 2015 is 183 days of the 366 in 2015/16 (it holds 29 February 2016)
        assertNumber("1500", Ratings.proRata(new BigDecimal("3000"), Period.parse("2015-Q3")));
        // 1 April 2014 to 30 September 2014 is 183 days of 365
        assertClose(new BigDecimal("3000").multiply(new BigDecimal("183")).divide(new BigDecimal("365"), MathContext.DECIMAL128),
                Ratings.proRata(new BigDecimal("3000"), Period.parse("2014-Q3")));
    }

    @Test
    void pro_rata_is_the_whole_target_at_the_end_of_the_financial_year_and_restarts_in_april() {
        assertNumber("3000", Ratings.proRata(new BigDecimal("3000"), Period.parse("2016-Q1")));
        assertNumber("3000", Ratings.proRata(new BigDecimal("3000"), Period.parse("2015/16")));
        // April 2016 alone: 30 of the 365 days in 2016/17
        assertClose(new BigDecimal("3000").multiply(new BigDecimal("30")).divide(new BigDecimal("365"), MathContext.DECIMAL128),
                Ratings.proRata(new BigDecimal("3000"), Period.parse("2016-04")));
    }

    @Test
    void lower_is_better_is_green_at_expected_amber_up_to_the_tolerance_and_red_beyond() {
        assertEquals(Rating.GREEN, Ratings.lowerIsBetter(new BigDecimal("20"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.lowerIsBetter(new BigDecimal("20.01"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.lowerIsBetter(new BigDecimal("21"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.RED, Ratings.lowerIsBetter(new BigDecimal("21.01"), TARGET, FIVE_PERCENT));
    }

    @Test
    void higher_is_better_is_green_at_expected_amber_down_to_the_tolerance_and_red_beyond() {
        assertEquals(Rating.GREEN, Ratings.higherIsBetter(new BigDecimal("20"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.higherIsBetter(new BigDecimal("19.99"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.higherIsBetter(new BigDecimal("19"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.RED, Ratings.higherIsBetter(new BigDecimal("18.99"), TARGET, FIVE_PERCENT));
    }

    @Test
    void below_comparator_is_strict_at_both_thresholds() {
        assertEquals(Rating.GREEN, Ratings.belowComparator(new BigDecimal("19.99"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.belowComparator(new BigDecimal("20"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.belowComparator(new BigDecimal("20.99"), TARGET, FIVE_PERCENT));
        assertEquals(Rating.RED, Ratings.belowComparator(new BigDecimal("21"), TARGET, FIVE_PERCENT));
    }

    @Test
    void maintain_measures_the_gap_in_the_worse_direction_relative_to_the_baseline() {
        BigDecimal baseline = new BigDecimal("40");
        // lower: above the baseline is worse
        assertEquals(Rating.GREEN, Ratings.maintain(new BigDecimal("42"), baseline, Polarity.LOWER, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.maintain(new BigDecimal("42.01"), baseline, Polarity.LOWER, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.maintain(new BigDecimal("44"), baseline, Polarity.LOWER, FIVE_PERCENT));
        assertEquals(Rating.RED, Ratings.maintain(new BigDecimal("44.01"), baseline, Polarity.LOWER, FIVE_PERCENT));
        assertEquals(Rating.GREEN, Ratings.maintain(new BigDecimal("10"), baseline, Polarity.LOWER, FIVE_PERCENT));
        // higher: below the baseline is worse
        assertEquals(Rating.GREEN, Ratings.maintain(new BigDecimal("38"), baseline, Polarity.HIGHER, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.maintain(new BigDecimal("37.99"), baseline, Polarity.HIGHER, FIVE_PERCENT));
        assertEquals(Rating.RED, Ratings.maintain(new BigDecimal("35.99"), baseline, Polarity.HIGHER, FIVE_PERCENT));
        assertEquals(Rating.GREEN, Ratings.maintain(new BigDecimal("90"), baseline, Polarity.HIGHER, FIVE_PERCENT));
        // none: either way is worse
        assertEquals(Rating.AMBER, Ratings.maintain(new BigDecimal("42.01"), baseline, Polarity.NONE, FIVE_PERCENT));
        assertEquals(Rating.AMBER, Ratings.maintain(new BigDecimal("37.99"), baseline, Polarity.NONE, FIVE_PERCENT));
        assertEquals(Rating.GREEN, Ratings.maintain(new BigDecimal("40"), baseline, Polarity.NONE, FIVE_PERCENT));
    }
}
