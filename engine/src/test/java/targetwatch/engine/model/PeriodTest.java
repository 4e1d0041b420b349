package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The four period notations partners use, and the calendar arithmetic the rules rely on. */
class PeriodTest {

    @Test
    void a_month_parses_and_spans_its_calendar_month() {
        // when
        Period p = Period.parse("2014-03");
        // then
        assertEquals(Period.month(2014, 3), p);
        assertEquals(Frequency.MONTH, p.frequency());
        assertEquals(LocalDate.of(2014, 3, 1), p.start());
        assertEquals(LocalDate.of(2014, 3, 31), p.end());
        assertEquals("2014-03", p.toString());
    }

    @Test
    void a_february_ends_on_the_29th_in_a_leap_year() {
        assertEquals(LocalDate.of(2016, 2, 29), Period.parse("2016-02").end());
        assertEquals(LocalDate.of(2015, 2, 28), Period.parse("2015-02").end());
    }

    @Test
    void a_calendar_quarter_parses_and_spans_three_months() {
        // when
        Period q1 = Period.parse("2014-Q1");
        Period q4 = Period.parse("2014-Q4");
        // then
        assertEquals(Period.quarter(2014, 1), q1);
        assertEquals(LocalDate.of(2014, 1, 1), q1.start());
        assertEquals(LocalDate.of(2014, 3, 31), q1.end());
        assertEquals(LocalDate.of(2014, 10, 1), q4.start());
        assertEquals(LocalDate.of(2014, 12, 31), q4.end());
        assertEquals("2014-Q1", q1.toString());
    }

    @Test
    void a_calendar_year_parses_and_spans_january_to_december() {
        // when
        Period p = Period.parse("2014");
        // then
        assertEquals(Period.year(2014), p);
        assertEquals(LocalDate.of(2014, 1, 1), p.start());
        assertEquals(LocalDate.of(2014, 12, 31), p.end());
        assertEquals("2014", p.toString());
    }

    @Test
    void a_financial_year_parses_and_spans_april_to_march() {
        // when
        Period p = Period.parse("2014/15");
        // then
        assertEquals(Period.financialYear(2014), p);
        assertEquals(LocalDate.of(2014, 4, 1), p.start());
        assertEquals(LocalDate.of(2015, 3, 31), p.end());
        assertEquals("2014/15", p.toString());
    }

    @Test
    void a_financial_year_across_a_century_is_written_with_two_digits() {
        assertEquals(Period.financialYear(1999), Period.parse("1999/00"));
        assertEquals("1999/00", Period.financialYear(1999).toString());
    }

    @Test
    void surrounding_spaces_are_ignored() {
        assertEquals(Period.quarter(2014, 2), Period.parse(" 2014-Q2 "));
    }

    @ParameterizedTest(name = "{0} comes after {1}")
    @CsvSource({
            "2014-01, 2013-12",
            "2014-07, 2014-06",
            "2014-Q1, 2013-Q4",
            "2014-Q3, 2014-Q2",
            "2014,    2013",
            "2014/15, 2013/14",
    })
    void previous_is_the_period_just_before_in_the_same_notation_across_year_boundaries(String period, String previous) {
        // when
        Period p = Period.parse(period);
        // then
        assertEquals(Period.parse(previous), p.previous());
        assertEquals(p, p.previous().next());
        assertEquals(p.start().minusDays(1), p.previous().end());
    }

    @ParameterizedTest(name = "a year before {0} is {1}")
    @CsvSource({
            "2014-03, 2013-03",
            "2014-Q1, 2013-Q1",
            "2014,    2013",
            "2014/15, 2013/14",
    })
    void year_before_is_the_same_period_a_year_earlier(String period, String yearBefore) {
        assertEquals(Period.parse(yearBefore), Period.parse(period).yearBefore());
    }

    @ParameterizedTest(name = "{0} falls in financial year {1}")
    @CsvSource({
            "2014-03, 2013/14",
            "2014-04, 2014/15",
            "2015-03, 2014/15",
            "2014-Q1, 2013/14",
            "2014-Q2, 2014/15",
            "2014-Q4, 2014/15",
            "2014,    2014/15",
            "2014/15, 2014/15",
    })
    void financial_year_is_the_one_holding_the_periods_last_day(String period, String financialYear) {
        assertEquals(Period.parse(financialYear), Period.parse(period).financialYear());
    }

    @Test
    void a_period_is_rated_after_those_ending_before_it() {
        assertTrue(Period.parse("2014-02").compareTo(Period.parse("2014-03")) < 0);
        assertTrue(Period.parse("2014-Q1").compareTo(Period.parse("2014-04")) < 0);
        assertTrue(Period.parse("2015-03").compareTo(Period.parse("2014/15")) > 0, "same last day: the shorter one after");
    }

    @Test
    void periods_of_every_notation_are_ordered_by_their_last_day_then_their_first_day() {
        // given every period of every notation from 1999 to 2001
        java.util.List<Period> all = new java.util.ArrayList<>();
        for (int year = 1999; year <= 2001; year++) {
            for (int m = 1; m <= 12; m++) {
                all.add(Period.month(year, m));
            }
            for (int q = 1; q <= 4; q++) {
                all.add(Period.quarter(year, q));
            }
            all.add(Period.year(year));
            all.add(Period.financialYear(year));
        }
        // then each pair compares as their days do
        for (Period a : all) {
            for (Period b : all) {
                int byDays = a.end().compareTo(b.end()) != 0 ? a.end().compareTo(b.end()) : a.start().compareTo(b.start());
                assertEquals(Integer.signum(byDays), Integer.signum(a.compareTo(b)), a + " against " + b);
            }
        }
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
            "1900, 1, 1900-01",
            "2014, 9, 2014-09",
            "2014, 10, 2014-10",
            "2999, 12, 2999-12",
    })
    void a_month_is_written_with_two_digits(int year, int month, String text) {
        assertEquals(text, Period.month(year, month).toString());
        assertEquals(Period.month(year, month), Period.parse(text));
    }

    @ParameterizedTest(name = "financial year {0} is written {1}")
    @CsvSource({
            "2008, 2008/09",
            "2009, 2009/10",
            "2010, 2010/11",
            "2999, 2999/00",
    })
    void a_financial_year_is_written_with_its_end_year_in_two_digits(int start, String text) {
        assertEquals(text, Period.financialYear(start).toString());
        assertEquals(Period.financialYear(start), Period.parse(text));
    }

    @Test
    void a_month_lies_within_its_quarter_and_financial_year_but_not_the_next() {
        Period april = Period.parse("2014-04");
        assertTrue(april.within(Period.parse("2014-Q2")));
        assertTrue(april.within(Period.parse("2014/15")));
        assertTrue(!april.within(Period.parse("2013/14")));
    }

    @ParameterizedTest(name = "\"{0}\" is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "2014-13   | \"2014-13\" is not a valid period: month 13 is not between 01 and 12",
            "2014-00   | \"2014-00\" is not a valid period: month 0 is not between 01 and 12",
            "2014-Q5   | \"2014-Q5\" is not a valid period: quarter Q5 is not between Q1 and Q4",
            "2014/16   | \"2014/16\" is not a valid period: financial year \"2014/16\" must end the year after it starts, as in 2014/15",
            "14        | \"14\" is not a period notation (expected a month 2014-03, a quarter 2014-Q1, a year 2014 or a financial year 2014/15)",
            "March 2014| \"March 2014\" is not a period notation (expected a month 2014-03, a quarter 2014-Q1, a year 2014 or a financial year 2014/15)",
            "2014-3    | \"2014-3\" is not a period notation (expected a month 2014-03, a quarter 2014-Q1, a year 2014 or a financial year 2014/15)",
            "0999      | \"0999\" is not a valid period: year 999 is out of range 1900-2999",
    })
    void a_bad_period_is_refused_with_a_message_saying_why(String text, String message) {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Period.parse(text));
        // then
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "blank \"{0}\" is refused")
    @ValueSource(strings = {"", "   "})
    void a_blank_period_is_refused_naming_the_notations(String blank) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Period.parse(blank));
        assertEquals("a period is required (2014-03, 2014-Q1, 2014 or 2014/15)", e.getMessage());
    }

    @Test
    void a_missing_period_is_refused_naming_the_notations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Period.parse(null));
        assertEquals("a period is required (2014-03, 2014-Q1, 2014 or 2014/15)", e.getMessage());
    }
}
