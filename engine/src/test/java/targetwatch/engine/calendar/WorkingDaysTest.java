package targetwatch.engine.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.ruleset.RuleSetRejectedException;

class WorkingDaysTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static WorkingDays england;

    @BeforeAll
    static void loadTheRealList() throws Exception {
        england = WorkingDays.load(Path.of(System.getProperty("targetwatch.rules"), WorkingDays.FILE));
    }

    @Test
    void weekends_and_bank_holidays_are_not_working_days() {
        assertFalse(england.isWorkingDay(LocalDate.of(2026, 11, 28)), "a Saturday");
        assertFalse(england.isWorkingDay(LocalDate.of(2026, 12, 28)), "Boxing Day substitute");
        assertFalse(england.isWorkingDay(LocalDate.of(2022, 9, 19)), "the state funeral");
        assertTrue(england.isWorkingDay(LocalDate.of(2026, 11, 26)), "a Thursday");
    }

    @Test
    void working_days_counted_across_a_weekend_and_a_bank_holiday() {
        // Thursday 2 April 2026; Good Friday 3rd, the weekend, Easter Monday 6th: the 3rd working day is Thursday 9th
        LocalDate thursday = LocalDate.of(2026, 4, 2);
        assertEquals(LocalDate.of(2026, 4, 8), england.plusWorkingDays(thursday, 2));
        assertEquals(LocalDate.of(2026, 4, 9), england.plusWorkingDays(thursday, 3));
        assertEquals(2, england.workingDaysBetween(thursday, LocalDate.of(2026, 4, 8)));
        assertEquals(1, england.workingDaysBetween(thursday, LocalDate.of(2026, 4, 7)));
    }

    @Test
    void every_day_of_the_bundled_list_is_counted_as_a_walk_through_the_listed_days_counts_it() throws Exception {
        // given the listed bank holidays as text, apart from the calendar's own look-up
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (String line : Files.readAllLines(Path.of(System.getProperty("targetwatch.rules"), WorkingDays.FILE))) {
            listed.add(line.split(",")[0]);
        }
        // then each day of 2019-2027 is a working day exactly when it is a weekday not listed, and the working days after
        // it (up to a working year) are where a day-by-day walk over weekdays not listed ends
        for (LocalDate from = LocalDate.of(2019, 1, 1); from.getYear() < 2028; from = from.plusDays(1)) {
            assertEquals(from.getDayOfWeek().getValue() < 6 && !listed.contains(from.toString()), england.isWorkingDay(from),
                    from.toString());
            for (int n : new int[] {0, 1, 2, 5, 10, 20, 250}) {
                LocalDate walked = from;
                for (int i = 0; i < n; ) {
                    walked = walked.plusDays(1);
                    if (walked.getDayOfWeek().getValue() < 6 && !listed.contains(walked.toString())) {
                        i++;
                    }
                }
                assertEquals(walked, england.plusWorkingDays(from, n), n + " working days after " + from);
            }
        }
    }

    @Test
    void something_due_at_two_in_the_morning_waits_for_eight_the_same_working_day() {
        ZonedDateTime due = ZonedDateTime.of(2026, 11, 26, 2, 0, 0, 0, LONDON);
        assertEquals(ZonedDateTime.of(2026, 11, 26, 8, 0, 0, 0, LONDON), england.sendableFrom(due));
    }

    @Test
    void something_due_on_a_friday_evening_waits_for_monday_morning_and_a_bank_holiday_monday_for_tuesday() {
        assertEquals(ZonedDateTime.of(2026, 11, 30, 8, 0, 0, 0, LONDON),
                england.sendableFrom(ZonedDateTime.of(2026, 11, 27, 18, 0, 0, 0, LONDON)));
        assertEquals(ZonedDateTime.of(2026, 4, 7, 8, 0, 0, 0, LONDON),
                england.sendableFrom(ZonedDateTime.of(2026, 4, 2, 21, 30, 0, 0, LONDON)));
    }

    @Test
    void something_due_within_working_hours_goes_at_once_and_a_minute_before_closing_too() {
        ZonedDateTime due = ZonedDateTime.of(2026, 11, 26, 17, 59, 0, 0, LONDON);
        assertEquals(due, england.sendableFrom(due));
        ZonedDateTime opening = ZonedDateTime.of(2026, 11, 26, 8, 0, 0, 0, LONDON);
        assertEquals(opening, england.sendableFrom(opening));
    }

    @Test
    void a_bank_holiday_list_with_a_weekend_or_a_bad_date_is_refused_naming_the_row(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(WorkingDays.FILE);
        Files.writeString(file, "date,name\n2026-12-25,Christmas Day\n2026-12-26,Boxing Day\n25/12/2027,Christmas Day\n");
        RuleSetRejectedException e = assertThrows(RuleSetRejectedException.class, () -> WorkingDays.load(file));
        assertEquals(2, e.errors().size());
        assertEquals("bank-holidays.csv:3:date: 2026-12-26 is a saturday: a bank holiday that falls at a weekend is moved"
                + " to a weekday; write that date", e.errors().get(0).toString());
        assertEquals("bank-holidays.csv:4:date: \"25/12/2027\" is not a date written yyyy-mm-dd", e.errors().get(1).toString());
    }

    @Test
    void the_bundled_list_runs_to_the_end_of_2027() {
        assertEquals(LocalDate.of(2027, 12, 28), england.lastListed());
    }
}
