package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.DesignFormulas.assertNumber;
import static targetwatch.engine.DesignFormulas.atOrAbove;
import static targetwatch.engine.DesignFormulas.atOrBelow;
import static targetwatch.engine.DesignFormulas.minusTolerance;
import static targetwatch.engine.DesignFormulas.plusTolerance;
import static targetwatch.engine.DesignFormulas.reported;
import static targetwatch.engine.DesignFormulas.step;
import static targetwatch.engine.DesignFormulas.strictlyBelow;
import static targetwatch.engine.TestReadings.maidstone;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.DesignFormulas;
import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSetLoader;

/**
 * Every kind of target, through the real rules/ folder and the RuleEngine facade: a boundary pair on each
 * side of each threshold, one reading just inside and one just outside, each rated on its own. Expected
 * values are computed here from DESIGN.md's formulas, not taken from the engine.
 */
class TargetKindsTest {

    private static final String REDUCE_TO = "asb-incidents-per-1000";
    private static final String INCREASE_TO = "asb-satisfaction";
    private static final String BELOW_COMPARATOR = "da-incidents-per-1000";
    private static final String MAINTAIN_NONE = "da-marac-police-referrals";
    private static final String MAINTAIN_HIGHER = "perception-feel-safe";
    private static final String DELIVER_ANNUALLY = "rush-year11-delivery";

    /** The real rule set. */
    private static CompiledRules real;
    /** The real rule set with one cell changed: the MARAC referrals target kept with polarity lower. */
    private static CompiledRules maintainLower;

    @BeforeAll
    static void compile(@TempDir Path copy) throws Exception {
        real = new RuleCompiler().load(RuleFolders.real());
        RuleFolders.copyOfReal(copy);
        RuleFolders.editCell(copy.resolve(RuleSetLoader.TARGETS), MAINTAIN_NONE, "polarity", "lower");
        maintainLower = new RuleCompiler().load(copy);
    }

    /** The real row for an indicator, checked to be of the kind and polarity the test is about. */
    private static Target target(CompiledRules rules, String indicator, Kind kind, Polarity polarity) {
        Target t = rules.ruleSet().targetFor("maidstone", indicator).orElseThrow();
        assertEquals(kind, t.kind(), indicator + " kind");
        assertEquals(polarity, t.polarity(), indicator + " polarity");
        return t;
    }

    /** Rates one Maidstone reading in a fresh engine (after any comparator readings) and returns its assessment. */
    private static Assessment rate(CompiledRules rules, String indicator, String period, BigDecimal value,
                                   BigDecimal kentComparator) throws InvalidReadingException {
        try (RuleEngine engine = new RuleEngine(rules)) {
            if (kentComparator != null) {
                engine.submit(maidstone(indicator, "kent", period, kentComparator));
            }
            List<Assessment> changed = engine.submit(maidstone(indicator, "maidstone", period, value));
            assertEquals(1, changed.size(), "one reading changes one assessment: " + changed);
            Assessment a = changed.get(0);
            assertEquals(Period.parse(period), a.period());
            assertNumber(value, a.actual());
            return a;
        }
    }

    private static Rating rating(CompiledRules rules, String indicator, String period, BigDecimal value)
            throws InvalidReadingException {
        return rate(rules, indicator, period, value, null).rating();
    }

    private static void assertPair(Rating inside, Rating outside, CompiledRules rules, String indicator, String period,
                                   BigDecimal insideValue, BigDecimal outsideValue) {
        assertAll(
                () -> assertEquals(inside, rating(rules, indicator, period, insideValue), "at " + insideValue),
                () -> assertEquals(outside, rating(rules, indicator, period, outsideValue), "at " + outsideValue));
    }

    // reduce-to: GREEN if actual <= expected; AMBER if actual <= expected * (1 + tol); else RED

    @Test
    void reduce_to_is_green_on_its_trajectory_and_amber_just_above_it() throws Exception {
        // given the trajectory at the end of June 2014
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        BigDecimal expected = DesignFormulas.trajectory(t, Period.parse("2014-06").end());
        BigDecimal inside = atOrBelow(expected, t.unit());
        // when / then
        assertPair(Rating.GREEN, Rating.AMBER, real, REDUCE_TO, "2014-06", inside, inside.add(step(t.unit())));
    }

    @Test
    void reduce_to_is_amber_at_its_tolerance_above_the_trajectory_and_red_just_beyond() throws Exception {
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        BigDecimal line = plusTolerance(DesignFormulas.trajectory(t, Period.parse("2014-06").end()), t.tolerancePct());
        BigDecimal inside = atOrBelow(line, t.unit());
        assertPair(Rating.AMBER, Rating.RED, real, REDUCE_TO, "2014-06", inside, inside.add(step(t.unit())));
    }

    @Test
    void reduce_to_is_green_exactly_at_its_target_on_the_target_date_and_amber_a_hundredth_above() throws Exception {
        // given the period ending on the target date, where the trajectory is the target itself
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        String period = "2018-03";
        assertEquals(t.targetDate(), Period.parse(period).end());
        // then
        assertPair(Rating.GREEN, Rating.AMBER, real, REDUCE_TO, period, t.target(), t.target().add(new BigDecimal("0.01")));
        BigDecimal line = plusTolerance(t.target(), t.tolerancePct());
        assertPair(Rating.AMBER, Rating.RED, real, REDUCE_TO, period, line, line.add(new BigDecimal("0.01")));
    }

    @Test
    void reduce_to_reports_its_trajectory_as_expected() throws Exception {
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        Assessment a = rate(real, REDUCE_TO, "2014-06", new BigDecimal("21"), null);
        assertNumber(reported(DesignFormulas.trajectory(t, Period.parse("2014-06").end())), a.expected());
        assertEquals(t.row(), a.targetRow());
    }

    // increase-to: GREEN if actual >= expected; AMBER if actual >= expected * (1 - tol); else RED

    @Test
    void increase_to_is_green_on_its_trajectory_and_amber_just_below_it() throws Exception {
        Target t = target(real, INCREASE_TO, Kind.INCREASE_TO, Polarity.HIGHER);
        BigDecimal expected = DesignFormulas.trajectory(t, Period.parse("2014-Q2").end());
        BigDecimal inside = atOrAbove(expected, t.unit());
        assertPair(Rating.GREEN, Rating.AMBER, real, INCREASE_TO, "2014-Q2", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void increase_to_is_amber_at_its_tolerance_below_the_trajectory_and_red_just_beyond() throws Exception {
        Target t = target(real, INCREASE_TO, Kind.INCREASE_TO, Polarity.HIGHER);
        BigDecimal line = minusTolerance(DesignFormulas.trajectory(t, Period.parse("2014-Q2").end()), t.tolerancePct());
        BigDecimal inside = atOrAbove(line, t.unit());
        assertPair(Rating.AMBER, Rating.RED, real, INCREASE_TO, "2014-Q2", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void increase_to_is_green_exactly_at_its_target_on_the_target_date_and_amber_a_hundredth_below() throws Exception {
        Target t = target(real, INCREASE_TO, Kind.INCREASE_TO, Polarity.HIGHER);
        String period = "2018-Q1";
        assertEquals(t.targetDate(), Period.parse(period).end());
        assertPair(Rating.GREEN, Rating.AMBER, real, INCREASE_TO, period, t.target(),
                t.target().subtract(new BigDecimal("0.01")));
        BigDecimal line = minusTolerance(t.target(), t.tolerancePct());
        assertPair(Rating.AMBER, Rating.RED, real, INCREASE_TO, period, line, line.subtract(new BigDecimal("0.01")));
    }

    // below-comparator: GREEN if actual < comparator; AMBER if actual < comparator * (1 + tol); else RED

    @Test
    void below_comparator_is_green_just_below_the_comparator_and_amber_level_with_it() throws Exception {
        // given Kent's reading for the same month
        Target t = target(real, BELOW_COMPARATOR, Kind.BELOW_COMPARATOR, Polarity.LOWER);
        assertEquals("kent", t.comparatorArea());
        BigDecimal kent = new BigDecimal("16");
        // when
        Assessment justBelow = rate(real, BELOW_COMPARATOR, "2014-03", kent.subtract(step(t.unit())), kent);
        Assessment level = rate(real, BELOW_COMPARATOR, "2014-03", kent, kent);
        // then
        assertEquals(Rating.GREEN, justBelow.rating());
        assertEquals(Rating.AMBER, level.rating());
        assertNumber(kent, level.expected());
    }

    @Test
    void below_comparator_is_amber_just_below_its_tolerance_and_red_level_with_it() throws Exception {
        Target t = target(real, BELOW_COMPARATOR, Kind.BELOW_COMPARATOR, Polarity.LOWER);
        BigDecimal kent = new BigDecimal("16");
        BigDecimal line = plusTolerance(kent, t.tolerancePct());
        assertEquals(Rating.AMBER, rate(real, BELOW_COMPARATOR, "2014-03", strictlyBelow(line, t.unit()), kent).rating());
        assertEquals(Rating.RED, rate(real, BELOW_COMPARATOR, "2014-03", line, kent).rating());
    }

    @Test
    void below_comparator_boundaries_hold_for_a_comparator_that_is_not_round() throws Exception {
        Target t = target(real, BELOW_COMPARATOR, Kind.BELOW_COMPARATOR, Polarity.LOWER);
        BigDecimal kent = new BigDecimal("15.92");
        BigDecimal line = plusTolerance(kent, t.tolerancePct());
        BigDecimal amber = strictlyBelow(line, t.unit());
        assertEquals(Rating.GREEN, rate(real, BELOW_COMPARATOR, "2014-03", new BigDecimal("15.91"), kent).rating());
        assertEquals(Rating.AMBER, rate(real, BELOW_COMPARATOR, "2014-03", kent, kent).rating());
        assertEquals(Rating.AMBER, rate(real, BELOW_COMPARATOR, "2014-03", amber, kent).rating());
        assertEquals(Rating.RED, rate(real, BELOW_COMPARATOR, "2014-03", amber.add(step(t.unit())), kent).rating());
    }

    // maintain: the gap from the baseline in the worse direction, relative to the baseline:
    // GREEN if <= tol; AMBER if <= 2 * tol; else RED. Better than the baseline is GREEN.

    private static BigDecimal twice(BigDecimal tolerancePct) {
        return tolerancePct.multiply(BigDecimal.valueOf(2));
    }

    @Test
    void maintain_higher_is_green_at_its_tolerance_below_the_baseline_and_amber_just_beyond() throws Exception {
        Target t = target(real, MAINTAIN_HIGHER, Kind.MAINTAIN, Polarity.HIGHER);
        BigDecimal inside = atOrAbove(minusTolerance(t.baseline(), t.tolerancePct()), t.unit());
        assertPair(Rating.GREEN, Rating.AMBER, real, MAINTAIN_HIGHER, "2014", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void maintain_higher_is_amber_at_twice_its_tolerance_below_the_baseline_and_red_just_beyond() throws Exception {
        Target t = target(real, MAINTAIN_HIGHER, Kind.MAINTAIN, Polarity.HIGHER);
        BigDecimal inside = atOrAbove(minusTolerance(t.baseline(), twice(t.tolerancePct())), t.unit());
        assertPair(Rating.AMBER, Rating.RED, real, MAINTAIN_HIGHER, "2014", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void maintain_higher_is_green_however_far_above_its_baseline() throws Exception {
        Target t = target(real, MAINTAIN_HIGHER, Kind.MAINTAIN, Polarity.HIGHER);
        Assessment a = rate(real, MAINTAIN_HIGHER, "2014", new BigDecimal("100"), null);
        assertEquals(Rating.GREEN, a.rating());
        assertNumber(t.baseline(), a.expected());
    }

    @Test
    void maintain_lower_is_green_at_its_tolerance_above_the_baseline_and_amber_just_beyond() throws Exception {
        Target t = target(maintainLower, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.LOWER);
        BigDecimal inside = atOrBelow(plusTolerance(t.baseline(), t.tolerancePct()), t.unit());
        assertPair(Rating.GREEN, Rating.AMBER, maintainLower, MAINTAIN_NONE, "2014-Q2", inside, inside.add(step(t.unit())));
    }

    @Test
    void maintain_lower_is_amber_at_twice_its_tolerance_above_the_baseline_and_red_just_beyond() throws Exception {
        Target t = target(maintainLower, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.LOWER);
        BigDecimal inside = atOrBelow(plusTolerance(t.baseline(), twice(t.tolerancePct())), t.unit());
        assertPair(Rating.AMBER, Rating.RED, maintainLower, MAINTAIN_NONE, "2014-Q2", inside, inside.add(step(t.unit())));
    }

    @Test
    void maintain_lower_is_green_however_far_below_its_baseline() throws Exception {
        target(maintainLower, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.LOWER);
        assertEquals(Rating.GREEN, rating(maintainLower, MAINTAIN_NONE, "2014-Q2", new BigDecimal("1")));
    }

    @Test
    void maintain_none_is_green_at_its_tolerance_either_side_of_the_baseline_and_amber_just_beyond() throws Exception {
        Target t = target(real, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.NONE);
        BigDecimal above = atOrBelow(plusTolerance(t.baseline(), t.tolerancePct()), t.unit());
        BigDecimal below = atOrAbove(minusTolerance(t.baseline(), t.tolerancePct()), t.unit());
        assertPair(Rating.GREEN, Rating.AMBER, real, MAINTAIN_NONE, "2014-Q2", above, above.add(step(t.unit())));
        assertPair(Rating.GREEN, Rating.AMBER, real, MAINTAIN_NONE, "2014-Q2", below, below.subtract(step(t.unit())));
    }

    @Test
    void maintain_none_is_amber_at_twice_its_tolerance_either_side_of_the_baseline_and_red_just_beyond() throws Exception {
        Target t = target(real, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.NONE);
        BigDecimal above = atOrBelow(plusTolerance(t.baseline(), twice(t.tolerancePct())), t.unit());
        BigDecimal below = atOrAbove(minusTolerance(t.baseline(), twice(t.tolerancePct())), t.unit());
        assertPair(Rating.AMBER, Rating.RED, real, MAINTAIN_NONE, "2014-Q2", above, above.add(step(t.unit())));
        assertPair(Rating.AMBER, Rating.RED, real, MAINTAIN_NONE, "2014-Q2", below, below.subtract(step(t.unit())));
    }

    @Test
    void maintain_none_is_green_on_its_baseline_and_reports_the_baseline_as_expected() throws Exception {
        Target t = target(real, MAINTAIN_NONE, Kind.MAINTAIN, Polarity.NONE);
        Assessment a = rate(real, MAINTAIN_NONE, "2014-Q2", t.baseline(), null);
        assertEquals(Rating.GREEN, a.rating());
        assertNumber(t.baseline(), a.expected());
    }

    // deliver-annually: the year to date against the target pro rata:
    // GREEN if >= pro rata; AMBER if >= pro rata * (1 - tol); else RED

    @Test
    void deliver_annually_is_green_at_its_pro_rata_target_and_amber_one_below() throws Exception {
        // given April to June 2015: 91 of the 366 days of 2015/16
        Target t = target(real, DELIVER_ANNUALLY, Kind.DELIVER_ANNUALLY, Polarity.HIGHER);
        BigDecimal due = DesignFormulas.proRata(t.target(), Period.parse("2015-Q2").end());
        BigDecimal inside = atOrAbove(due, t.unit());
        assertPair(Rating.GREEN, Rating.AMBER, real, DELIVER_ANNUALLY, "2015-Q2", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void deliver_annually_is_amber_at_its_tolerance_below_pro_rata_and_red_one_below() throws Exception {
        Target t = target(real, DELIVER_ANNUALLY, Kind.DELIVER_ANNUALLY, Polarity.HIGHER);
        BigDecimal line = minusTolerance(DesignFormulas.proRata(t.target(), Period.parse("2015-Q2").end()), t.tolerancePct());
        BigDecimal inside = atOrAbove(line, t.unit());
        assertPair(Rating.AMBER, Rating.RED, real, DELIVER_ANNUALLY, "2015-Q2", inside, inside.subtract(step(t.unit())));
    }

    @Test
    void deliver_annually_reports_the_pro_rata_target_as_expected() throws Exception {
        Target t = target(real, DELIVER_ANNUALLY, Kind.DELIVER_ANNUALLY, Polarity.HIGHER);
        Assessment a = rate(real, DELIVER_ANNUALLY, "2015-Q2", new BigDecimal("700"), null);
        assertNumber(reported(DesignFormulas.proRata(t.target(), Period.parse("2015-Q2").end())), a.expected());
    }

    // the trajectory as an assessment reports it

    private static BigDecimal expectedFor(String period) throws InvalidReadingException {
        return rate(real, REDUCE_TO, period, new BigDecimal("21"), null).expected();
    }

    @Test
    void trajectory_is_the_baseline_for_the_period_ending_on_the_baseline_date() throws Exception {
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        assertEquals(t.baselineDate(), Period.parse("2011-09").end());
        assertNumber(t.baseline(), expectedFor("2011-09"));
    }

    @Test
    void trajectory_before_the_baseline_date_is_clamped_to_the_baseline() throws Exception {
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        assertNumber(t.baseline(), expectedFor("2011-08"));
        assertNumber(t.baseline(), expectedFor("2010-01"));
    }

    @Test
    void trajectory_half_way_through_the_plan_is_near_half_way_between_baseline_and_target() throws Exception {
        // given December 2014, which ends one day after the half-way day of the plan
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        BigDecimal design = DesignFormulas.trajectory(t, Period.parse("2014-12").end());
        // then
        assertNumber(reported(design), expectedFor("2014-12"));
        BigDecimal halfWay = t.baseline().add(t.target()).divide(BigDecimal.valueOf(2));
        assertTrue(halfWay.subtract(design).abs().compareTo(new BigDecimal("0.01")) < 0,
                "half-way " + halfWay + ", December 2014 " + design);
    }

    @Test
    void trajectory_is_the_target_for_the_period_ending_on_the_target_date_and_after() throws Exception {
        Target t = target(real, REDUCE_TO, Kind.REDUCE_TO, Polarity.LOWER);
        assertEquals(t.targetDate(), Period.parse("2018-03").end());
        assertNumber(t.target(), expectedFor("2018-03"));
        assertNumber(t.target(), expectedFor("2019-06"));
    }
}
