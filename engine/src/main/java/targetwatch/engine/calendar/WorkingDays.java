package targetwatch.engine.calendar;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * Working days in England: Monday to Friday except the bank holidays in the rule set's
 * {@code bank-holidays.csv} ({@code date,name}), which the secretariat extends each year. Escalation
 * clocks count these days, and what falls due out of office hours waits for the next morning.
 */
public final class WorkingDays {

    public static final String FILE = "bank-holidays.csv";
    /** When the working day starts and ends: reminders and escalations are sent between these. */
    public static final LocalTime OPENS = LocalTime.of(8, 0);
    public static final LocalTime CLOSES = LocalTime.of(18, 0);

    private final TreeSet<LocalDate> holidays;
    /** The same days as epoch days, in order: the engine counts working days at every alert. */
    private final long[] holidayEpochDays;

    public WorkingDays(Set<LocalDate> holidays) {
        this.holidays = new TreeSet<>(holidays);
        this.holidayEpochDays = this.holidays.stream().mapToLong(LocalDate::toEpochDay).toArray();
    }

    /**
     * Reads {@code bank-holidays.csv}.
     *
     * @throws RuleSetRejectedException naming each bad row: a date that is not yyyy-mm-dd, or a weekend
     */
    public static WorkingDays load(Path file) throws RuleSetRejectedException, IOException {
        List<RuleSetError> errors = new ArrayList<>();
        Set<LocalDate> days = new TreeSet<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).build();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = CSVParser.parse(r, format)) {
            if (!parser.getHeaderNames().contains("date")) {
                throw new RuleSetRejectedException(List.of(new RuleSetError(FILE, 1, "", "missing column date")));
            }
            for (CSVRecord rec : parser) {
                int row = (int) rec.getRecordNumber() + 1;
                String text = rec.isMapped("date") ? rec.get("date") : "";
                try {
                    LocalDate day = LocalDate.parse(text);
                    if (isWeekend(day)) {
                        errors.add(new RuleSetError(FILE, row, "date", day + " is a " + day.getDayOfWeek().toString().toLowerCase()
                                + ": a bank holiday that falls at a weekend is moved to a weekday; write that date"));
                    } else {
                        days.add(day);
                    }
                } catch (DateTimeParseException e) {
                    errors.add(new RuleSetError(FILE, row, "date", "\"" + text + "\" is not a date written yyyy-mm-dd"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        return new WorkingDays(days);
    }

    private static boolean isWeekend(LocalDate day) {
        return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    }

    public boolean isWorkingDay(LocalDate day) {
        return isWorkingDay(day.toEpochDay());
    }

    /** Whether a day, counted from 1970-01-01 (a Thursday), is a weekday and no bank holiday. */
    private boolean isWorkingDay(long epochDay) {
        int dayOfWeek = (int) Math.floorMod(epochDay + 3, 7); // 0 is Monday, as LocalDate counts it
        return dayOfWeek < 5 && java.util.Arrays.binarySearch(holidayEpochDays, epochDay) < 0;
    }

    /** The day {@code n} working days after {@code from} (from itself does not count). */
    public LocalDate plusWorkingDays(LocalDate from, int n) {
        long day = from.toEpochDay();
        for (int i = 0; i < n; ) {
            day++;
            if (isWorkingDay(day)) {
                i++;
            }
        }
        return LocalDate.ofEpochDay(day);
    }

    /** The day {@code n} working days before {@code from} (from itself does not count). */
    public LocalDate minusWorkingDays(LocalDate from, int n) {
        LocalDate day = from;
        for (int i = 0; i < n; ) {
            day = day.minusDays(1);
            if (isWorkingDay(day)) {
                i++;
            }
        }
        return day;
    }

    /** How many working days lie after {@code from} up to and including {@code to}. */
    public int workingDaysBetween(LocalDate from, LocalDate to) {
        int n = 0;
        for (LocalDate day = from.plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
            if (isWorkingDay(day)) {
                n++;
            }
        }
        return n;
    }

    /**
     * When something due at {@code due} may be sent: at once within working hours of a working day;
     * before 08:00 on a working day, at 08:00 that day; otherwise at 08:00 on the next working day.
     */
    public ZonedDateTime sendableFrom(ZonedDateTime due) {
        LocalDate day = due.toLocalDate();
        LocalTime time = due.toLocalTime();
        if (isWorkingDay(day) && !time.isBefore(OPENS) && time.isBefore(CLOSES)) {
            return due;
        }
        if (isWorkingDay(day) && time.isBefore(OPENS)) {
            return day.atTime(OPENS).atZone(due.getZone());
        }
        return plusWorkingDays(day, 1).atTime(OPENS).atZone(due.getZone());
    }

    /** The last bank holiday listed: a check can warn when the list runs out. */
    public LocalDate lastListed() {
        return holidays.isEmpty() ? null : holidays.last();
    }

    /** Calendars are equal when they have the same bank holidays: what a rule set change compares. */
    @Override
    public boolean equals(Object o) {
        return o instanceof WorkingDays w && holidays.equals(w.holidays);
    }

    @Override
    public int hashCode() {
        return holidays.hashCode();
    }
}
