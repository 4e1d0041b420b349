package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.engine.DesignFormulas.assertNumber;
import static targetwatch.engine.TestReadings.maidstone;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/**
 * The RuleEngine facade over the real rules/ folder: comparators arriving late, revisions and duplicates,
 * direction of travel, and readings the rule set cannot take.
 */
class RuleEngineTest {

    private static final String ASB = "asb-incidents-per-1000";
    private static final String SATISFACTION = "asb-satisfaction";
    private static final String DOMESTIC_ABUSE = "da-incidents-per-1000";
    private static final String MARAC = "da-marac-police-referrals";
    private static final String KSI = "ksi-casualties";

    private static CompiledRules rules;

    @BeforeAll
    static void compile() throws Exception {
        rules = new RuleCompiler().load(RuleFolders.real());
    }

    private static SeriesKey maidstoneSeries(String indicator) {
        return new SeriesKey("maidstone", indicator, "maidstone");
    }

    private static Assessment only(List<Assessment> changed) {
        assertEquals(1, changed.size(), "exactly one assessment changed: " + changed);
        return changed.get(0);
    }

    // GREY, and the comparator arriving

    @Test
    void below_comparator_is_grey_without_a_comparator_reading() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // when Maidstone reports before Kent
            Assessment a = only(engine.submit(maidstone(DOMESTIC_ABUSE, "maidstone", "2014-03", "15")));
            // then there is nothing to compare with
            assertEquals(Rating.GREY, a.rating());
            assertNull(a.expected());
            assertNumber("15", a.actual());
        }
    }

    @Test
    void below_comparator_turns_rated_when_the_comparator_arrives_and_the_facade_returns_the_changed_assessment() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given a grey Maidstone month
            engine.submit(maidstone(DOMESTIC_ABUSE, "maidstone", "2014-03", "15"));
            // when Kent's reading for the month arrives
            List<Assessment> changed = engine.submit(maidstone(DOMESTIC_ABUSE, "kent", "2014-03", "16"));
            // then Maidstone's month is rated against it, and that is what the facade returns
            Assessment a = only(changed);
            assertEquals(maidstoneSeries(DOMESTIC_ABUSE), a.series());
            assertEquals(Period.parse("2014-03"), a.period());
            assertEquals(Rating.GREEN, a.rating());
            assertNumber("16", a.expected());
            assertEquals(a, engine.assessment(maidstoneSeries(DOMESTIC_ABUSE), Period.parse("2014-03")).orElseThrow());
        }
    }

    @Test
    void a_comparator_reading_for_another_month_leaves_the_rating_grey() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.submit(maidstone(DOMESTIC_ABUSE, "maidstone", "2014-03", "15"));
            // when Kent reports February, not March
            List<Assessment> changed = engine.submit(maidstone(DOMESTIC_ABUSE, "kent", "2014-02", "16"));
            // then nothing changes
            assertEquals(List.of(), changed);
            assertEquals(Rating.GREY, engine.assessment(maidstoneSeries(DOMESTIC_ABUSE), Period.parse("2014-03"))
                    .orElseThrow().rating());
        }
    }

    @Test
    void the_comparator_area_is_a_yardstick_and_never_rated_itself() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            List<Assessment> changed = engine.submit(maidstone(DOMESTIC_ABUSE, "kent", "2014-03", "16"));
            assertEquals(List.of(), changed);
            assertTrue(engine.assessment(new SeriesKey("maidstone", DOMESTIC_ABUSE, "kent"), Period.parse("2014-03")).isEmpty());
            assertEquals(1, engine.readingCount());
        }
    }

    @Test
    void a_revised_comparator_re_rates_the_area_compared_with_it() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.submit(maidstone(DOMESTIC_ABUSE, "kent", "2014-03", "16"));
            engine.submit(maidstone(DOMESTIC_ABUSE, "maidstone", "2014-03", "15"));
            // when Kent revises its figure below Maidstone's
            Assessment a = only(engine.submit(maidstone(DOMESTIC_ABUSE, "kent", "2014-03", "14.5")));
            // then
            assertEquals(Rating.AMBER, a.rating());
            assertNumber("14.5", a.expected());
        }
    }

    // revisions and duplicates

    @Test
    void the_same_reading_twice_returns_no_changed_assessment() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            Reading r = maidstone(ASB, "maidstone", "2014-06", "21");
            // given
            assertEquals(1, engine.submit(r).size());
            Assessment before = engine.assessment(maidstoneSeries(ASB), Period.parse("2014-06")).orElseThrow();
            // when
            List<Assessment> again = engine.submit(r);
            // then
            assertEquals(List.of(), again);
            assertEquals(1, engine.readingCount());
            assertEquals(before, engine.assessment(maidstoneSeries(ASB), Period.parse("2014-06")).orElseThrow());
        }
    }

    @Test
    void the_same_value_written_differently_is_still_a_duplicate() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.submit(maidstone(ASB, "maidstone", "2014-06", "21"));
            assertEquals(List.of(), engine.submit(maidstone(ASB, "maidstone", "2014-06", "21.000")));
        }
    }

    @Test
    void a_revised_value_from_the_same_source_replaces_the_first_and_re_rates() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given a green month
            assertEquals(Rating.GREEN, only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "20"))).rating());
            // when the same source revises it well above the trajectory
            Assessment revised = only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "25")));
            // then the revision replaced the first value and was rated
            assertEquals(Rating.RED, revised.rating());
            assertNumber("25", revised.actual());
            assertEquals(1, engine.readingCount());
            assertEquals(revised, engine.assessment(maidstoneSeries(ASB), Period.parse("2014-06")).orElseThrow());
            assertEquals(List.of(revised), engine.latest());
        }
    }

    @Test
    void a_revision_back_to_the_first_value_re_rates_again() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            Assessment first = only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "20")));
            engine.submit(maidstone(ASB, "maidstone", "2014-06", "25"));
            Assessment back = only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "20")));
            assertEquals(first, back);
        }
    }

    @Test
    void a_late_previous_period_changes_the_direction_of_the_period_after_it() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given February, with no January yet
            assertEquals(Direction.NONE, only(engine.submit(maidstone(ASB, "maidstone", "2014-02", "20.5"))).direction());
            // when January arrives late, higher than February
            List<Assessment> changed = engine.submit(maidstone(ASB, "maidstone", "2014-01", "21"));
            // then January is assessed and February now improves on it
            assertEquals(2, changed.size(), changed.toString());
            assertEquals(Period.parse("2014-01"), changed.get(0).period());
            assertEquals(Direction.NONE, changed.get(0).direction());
            assertEquals(Period.parse("2014-02"), changed.get(1).period());
            assertEquals(Direction.IMPROVING, changed.get(1).direction());
            assertNumber("20.5", changed.get(1).actual());
        }
    }

    @Test
    void a_late_year_before_changes_the_year_on_year_direction() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            assertEquals(Direction.NONE, only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "20"))).yearOnYear());
            List<Assessment> changed = engine.submit(maidstone(ASB, "maidstone", "2013-06", "22"));
            assertEquals(2, changed.size(), changed.toString());
            Assessment june2014 = changed.get(1);
            assertEquals(Period.parse("2014-06"), june2014.period());
            assertEquals(Direction.IMPROVING, june2014.yearOnYear());
            assertEquals(Direction.NONE, june2014.direction(), "May 2014 is still missing");
        }
    }

    // direction of travel: against the previous period; stable within 1%

    private static Assessment afterPrevious(String indicator, String previousPeriod, String previous, String period,
                                            String value) throws InvalidReadingException {
        try (RuleEngine engine = new RuleEngine(rules)) {
            engine.submit(maidstone(indicator, "maidstone", previousPeriod, previous));
            return only(engine.submit(maidstone(indicator, "maidstone", period, value)));
        }
    }

    @Test
    void direction_is_none_without_a_previous_reading() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            Assessment a = only(engine.submit(maidstone(ASB, "maidstone", "2014-06", "20")));
            assertEquals(Direction.NONE, a.direction());
            assertEquals(Direction.NONE, a.yearOnYear());
        }
    }

    @Test
    void direction_is_stable_at_one_percent_up_and_worsening_just_beyond_for_lower_is_better() throws Exception {
        assertEquals(Direction.STABLE, afterPrevious(ASB, "2014-05", "20", "2014-06", "20.2").direction());
        assertEquals(Direction.WORSENING, afterPrevious(ASB, "2014-05", "20", "2014-06", "20.21").direction());
    }

    @Test
    void direction_is_stable_at_one_percent_down_and_improving_just_beyond_for_lower_is_better() throws Exception {
        assertEquals(Direction.STABLE, afterPrevious(ASB, "2014-05", "20", "2014-06", "19.8").direction());
        assertEquals(Direction.IMPROVING, afterPrevious(ASB, "2014-05", "20", "2014-06", "19.79").direction());
    }

    @Test
    void direction_is_stable_when_nothing_changed() throws Exception {
        assertEquals(Direction.STABLE, afterPrevious(ASB, "2014-05", "20", "2014-06", "20").direction());
    }

    @Test
    void direction_for_higher_is_better_improves_as_it_rises_and_worsens_as_it_falls() throws Exception {
        assertEquals(Direction.IMPROVING, afterPrevious(SATISFACTION, "2014-Q1", "80", "2014-Q2", "80.81").direction());
        assertEquals(Direction.STABLE, afterPrevious(SATISFACTION, "2014-Q1", "80", "2014-Q2", "80.8").direction());
        assertEquals(Direction.WORSENING, afterPrevious(SATISFACTION, "2014-Q1", "80", "2014-Q2", "79.19").direction());
    }

    @Test
    void direction_for_polarity_none_is_worsening_beyond_one_percent_either_way() throws Exception {
        assertEquals(Direction.STABLE, afterPrevious(MARAC, "2014-Q1", "40", "2014-Q2", "40.4").direction());
        assertEquals(Direction.WORSENING, afterPrevious(MARAC, "2014-Q1", "40", "2014-Q2", "40.41").direction());
        assertEquals(Direction.STABLE, afterPrevious(MARAC, "2014-Q1", "40", "2014-Q2", "39.6").direction());
        assertEquals(Direction.WORSENING, afterPrevious(MARAC, "2014-Q1", "40", "2014-Q2", "39.59").direction());
    }

    @Test
    void direction_compares_across_a_year_boundary() throws Exception {
        assertEquals(Direction.IMPROVING, afterPrevious(ASB, "2013-12", "22", "2014-01", "21").direction());
        assertEquals(Direction.WORSENING, afterPrevious(SATISFACTION, "2013-Q4", "82", "2014-Q1", "80").direction());
    }

    @Test
    void direction_compares_only_within_one_period_notation() throws Exception {
        // a quarter ending the day before a month begins is not that month's previous period
        assertEquals(Direction.NONE, afterPrevious(ASB, "2014-Q1", "30", "2014-04", "20").direction());
    }

    @Test
    void year_on_year_compares_with_the_same_period_a_year_before() throws Exception {
        Assessment a = afterPrevious(ASB, "2013-06", "20", "2014-06", "21");
        assertEquals(Direction.WORSENING, a.yearOnYear());
        assertEquals(Direction.NONE, a.direction());
    }

    // readings the rule set cannot take

    private static void assertRefused(Reading r, String reason) {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // when / then
            assertEquals(List.of(reason), engine.problemsWith(r));
            InvalidReadingException e = assertThrows(InvalidReadingException.class, () -> engine.submit(r));
            assertEquals(List.of(reason), e.reasons());
            assertEquals(reason, e.getMessage());
            assertEquals(0, engine.readingCount());
            assertEquals(List.of(), engine.assessments());
        }
    }

    @Test
    void a_reading_for_an_unknown_indicator_is_refused_with_a_reason() {
        assertRefused(maidstone("burglary-per-1000", "maidstone", "2014-06", "8"),
                "unknown indicator \"burglary-per-1000\": the rule set has no target for it");
    }

    @Test
    void a_percentage_of_140_is_refused_with_a_reason() {
        assertRefused(maidstone(SATISFACTION, "maidstone", "2014-Q2", "140"),
                "a percentage must be between 0 and 100, got 140");
    }

    @Test
    void a_negative_count_is_refused_with_a_reason() {
        assertRefused(maidstone(KSI, "maidstone", "2014", "-3"), "a count value cannot be negative, got -3");
    }

    @Test
    void a_fractional_count_is_refused_with_a_reason() {
        assertRefused(maidstone(KSI, "maidstone", "2014", "52.5"), "a count must be a whole number, got 52.5");
    }

    @Test
    void a_rate_per_1000_above_1000_is_refused_with_a_reason() {
        assertRefused(maidstone(ASB, "maidstone", "2014-06", "1000.01"),
                "a rate per 1,000 must be between 0 and 1000, got 1000.01");
    }

    @Test
    void values_at_the_edges_of_their_unit_are_taken() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            for (Reading r : List.of(maidstone(SATISFACTION, "maidstone", "2014-Q2", "100"),
                    maidstone(SATISFACTION, "maidstone", "2014-Q3", "0"),
                    maidstone(KSI, "maidstone", "2014", "52.0"),
                    maidstone(ASB, "maidstone", "2014-06", "1000"))) {
                assertEquals(List.of(), engine.problemsWith(r), r.toString());
                assertEquals(1, engine.submit(r).size(), r.toString());
            }
            assertEquals(4, engine.readingCount());
        }
    }

    @Test
    void a_refused_reading_leaves_what_the_engine_held_unchanged() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given
            Assessment held = only(engine.submit(maidstone(SATISFACTION, "maidstone", "2014-Q2", "84")));
            // when the same period is sent again with an impossible value
            assertThrows(InvalidReadingException.class,
                    () -> engine.submit(maidstone(SATISFACTION, "maidstone", "2014-Q2", "140")));
            // then
            assertEquals(List.of(held), engine.assessments());
            assertEquals(1, engine.readingCount());
        }
    }

    @Test
    void a_reading_for_the_earliest_year_a_reading_may_have_is_rated_and_the_engine_carries_on() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // when the rules look for the periods before 1901
            Assessment earliest = only(engine.submit(maidstone(KSI, "maidstone", "1901", "52")));
            // then there are none, and later readings are still rated
            assertEquals(Direction.NONE, earliest.direction());
            assertEquals(Direction.NONE, earliest.yearOnYear());
            assertEquals(1, engine.submit(maidstone(ASB, "maidstone", "1901-01", "21")).size());
            assertEquals(1, engine.submit(maidstone(KSI, "maidstone", "2014", "50")).size());
        }
    }

    @Test
    void a_count_is_reported_without_trailing_zeros() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            Assessment a = only(engine.submit(maidstone(KSI, "maidstone", "2014", new BigDecimal("52.00"))));
            assertEquals("52", a.actual().toPlainString());
        }
    }
}
