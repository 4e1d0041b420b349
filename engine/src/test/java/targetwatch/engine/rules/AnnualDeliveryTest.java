package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static targetwatch.engine.DesignFormulas.assertNumber;
import static targetwatch.engine.DesignFormulas.reported;
import static targetwatch.engine.TestReadings.maidstone;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import targetwatch.engine.DesignFormulas;
import targetwatch.engine.RuleFolders;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;

/**
 * The deliver-annually target of the real rule set (RUSH road safety education, 3,000 Year 11 students
 * a year): the financial year to date against the target pro rata, restarting every 1 April.
 */
class AnnualDeliveryTest {

    private static final String RUSH = "rush-year11-delivery";
    private static final SeriesKey SERIES = new SeriesKey("maidstone", RUSH, "maidstone");

    private static CompiledRules rules;
    private static Target rush;

    @BeforeAll
    static void compile() throws Exception {
        rules = new RuleCompiler().load(RuleFolders.real());
        rush = rules.ruleSet().targetFor("maidstone", RUSH).orElseThrow();
        assertEquals(Kind.DELIVER_ANNUALLY, rush.kind());
    }

    /** The target pro rata on the last day of a period, by DESIGN.md's formula. */
    private static BigDecimal due(String period) {
        return DesignFormulas.proRata(rush.target(), Period.parse(period).end());
    }

    /** Submits the readings in order and returns the assessment of the last one's period. */
    private static Assessment afterSubmitting(String... periodsAndValues) throws InvalidReadingException {
        try (RuleEngine engine = new RuleEngine(rules)) {
            String last = null;
            for (int i = 0; i < periodsAndValues.length; i += 2) {
                engine.submit(maidstone(RUSH, "maidstone", periodsAndValues[i], periodsAndValues[i + 1]));
                last = periodsAndValues[i];
            }
            return engine.assessment(SERIES, Period.parse(last)).orElseThrow();
        }
    }

    @Test
    void the_year_to_date_sums_the_quarters_of_the_financial_year() throws Exception {
        // when April-June and July-September 2015 are reported
        Assessment september = afterSubmitting("2015-Q2", "700", "2015-Q3", "800");
        // then the half year is rated as a whole against 183 of 366 days of the target
        assertNumber("1500", september.actual());
        assertNumber(reported(due("2015-Q3")), september.expected());
        assertNumber("1500", september.expected());
        assertEquals(Rating.GREEN, september.rating());
    }

    @Test
    void the_year_to_date_is_green_at_pro_rata_and_amber_one_student_short() throws Exception {
        BigDecimal line = due("2015-Q3");
        assertEquals(0, line.compareTo(new BigDecimal("1500")), "183/366 of 3,000");
        assertEquals(Rating.GREEN, afterSubmitting("2015-Q2", "700", "2015-Q3", "800").rating());
        assertEquals(Rating.AMBER, afterSubmitting("2015-Q2", "700", "2015-Q3", "799").rating());
    }

    @Test
    void the_year_to_date_is_amber_at_the_tolerance_below_pro_rata_and_red_one_student_short() throws Exception {
        BigDecimal line = DesignFormulas.minusTolerance(due("2015-Q3"), rush.tolerancePct());
        assertEquals(0, line.compareTo(new BigDecimal("1425")));
        assertEquals(Rating.AMBER, afterSubmitting("2015-Q2", "700", "2015-Q3", "725").rating());
        assertEquals(Rating.RED, afterSubmitting("2015-Q2", "700", "2015-Q3", "724").rating());
    }

    @Test
    void pro_rata_in_a_year_without_a_leap_day_divides_by_365() throws Exception {
        // 1 April to 30 September 2014 is 183 of the 365 days of 2014/15: 1,504.11
        Assessment green = afterSubmitting("2014-Q2", "700", "2014-Q3", "805");
        Assessment amber = afterSubmitting("2014-Q2", "700", "2014-Q3", "804");
        assertNumber(reported(due("2014-Q3")), green.expected());
        assertNumber("1504.11", green.expected());
        assertEquals(Rating.GREEN, green.rating());
        assertEquals(Rating.AMBER, amber.rating());
    }

    @Test
    void the_year_to_date_sums_months_too() throws Exception {
        Assessment september = afterSubmitting("2015-04", "250", "2015-05", "250", "2015-06", "250", "2015-07", "250",
                "2015-08", "250", "2015-09", "249");
        assertNumber("1499", september.actual());
        assertNumber("1500", september.expected());
        assertEquals(Rating.AMBER, september.rating());
    }

    @Test
    void the_year_to_date_restarts_on_the_first_of_april() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given the whole of 2015/16 by quarter
            for (String[] q : new String[][] {{"2015-Q2", "700"}, {"2015-Q3", "800"}, {"2015-Q4", "750"}, {"2016-Q1", "760"}}) {
                engine.submit(maidstone(RUSH, "maidstone", q[0], q[1]));
            }
            // when April-June 2016 is reported
            List<Assessment> changed = engine.submit(maidstone(RUSH, "maidstone", "2016-Q2", "800"));
            // then March 2016 closed 2015/16 on its full target, and 2016/17 starts from nothing
            Assessment march = engine.assessment(SERIES, Period.parse("2016-Q1")).orElseThrow();
            assertNumber("3010", march.actual());
            assertNumber(rush.target(), march.expected());
            assertEquals(Rating.GREEN, march.rating());
            assertEquals(1, changed.size(), changed.toString());
            Assessment june = changed.get(0);
            assertEquals(Period.parse("2016-Q2"), june.period());
            assertNumber("800", june.actual());
            assertNumber(reported(due("2016-Q2")), june.expected());
            assertEquals(Rating.GREEN, june.rating());
        }
    }

    @Test
    void a_late_quarter_re_rates_the_later_quarters_of_its_financial_year() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given July-September alone, short of its pro rata
            assertEquals(Rating.RED, engine.submit(maidstone(RUSH, "maidstone", "2015-Q3", "800")).get(0).rating());
            // when April-June arrives late
            List<Assessment> changed = engine.submit(maidstone(RUSH, "maidstone", "2015-Q2", "700"));
            // then both quarters are returned, September now with the whole year to date
            assertEquals(2, changed.size(), changed.toString());
            Assessment september = changed.get(1);
            assertEquals(Period.parse("2015-Q3"), september.period());
            assertNumber("1500", september.actual());
            assertEquals(Rating.GREEN, september.rating());
        }
    }

    @Test
    void a_revised_quarter_changes_the_year_to_date_rather_than_adding_to_it() throws Exception {
        try (RuleEngine engine = new RuleEngine(rules)) {
            // given a green half year
            engine.submit(maidstone(RUSH, "maidstone", "2015-Q2", "700"));
            engine.submit(maidstone(RUSH, "maidstone", "2015-Q3", "800"));
            // when April-June is revised down
            List<Assessment> changed = engine.submit(maidstone(RUSH, "maidstone", "2015-Q2", "600"));
            // then September's year to date holds the revision, not both figures
            assertEquals(2, changed.size(), changed.toString());
            Assessment september = changed.get(1);
            assertEquals(Period.parse("2015-Q3"), september.period());
            assertNumber("1400", september.actual());
            assertEquals(Rating.RED, september.rating());
        }
    }

    @Test
    void months_and_quarters_are_never_added_together() throws Exception {
        // a quarterly and a monthly feed of the same count would otherwise count it twice
        Assessment september = afterSubmitting("2015-Q2", "700", "2015-09", "800");
        assertNumber("800", september.actual());
    }

    @Test
    void a_whole_financial_year_is_rated_against_the_whole_target() throws Exception {
        Assessment year = afterSubmitting("2015/16", "2999");
        assertNumber(rush.target(), year.expected());
        assertEquals(Rating.AMBER, year.rating());
        assertEquals(Rating.GREEN, afterSubmitting("2015/16", "3000").rating());
    }
}
