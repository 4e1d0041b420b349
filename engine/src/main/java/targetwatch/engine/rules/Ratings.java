package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Numbers;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Target;

/**
 * The arithmetic of DESIGN.md's target semantics, called from the rules that the kind templates
 * generate. Each method rates one observation; the rule decides which observations it sees.
 */
public final class Ratings {

    private static final MathContext MC = MathContext.DECIMAL64;
    /** Expected values are reported to this many decimal places. */
    private static final int EXPECTED_SCALE = 2;

    private Ratings() {
    }

    /**
     * The trajectory value on day {@code d}: baseline + (target - baseline) * clamp((d - baselineDate) /
     * (targetDate - baselineDate), 0, 1), differences in whole days.
     */
    public static BigDecimal expected(BigDecimal baseline, LocalDate baselineDate, BigDecimal target, LocalDate targetDate,
                                      LocalDate d) {
        long span = ChronoUnit.DAYS.between(baselineDate, targetDate);
        long elapsed = ChronoUnit.DAYS.between(baselineDate, d);
        if (elapsed <= 0) {
            return baseline;
        }
        if (elapsed >= span) {
            return target;
        }
        BigDecimal fraction = BigDecimal.valueOf(elapsed).divide(BigDecimal.valueOf(span), MC);
        return baseline.add(target.subtract(baseline).multiply(fraction, MC), MC);
    }

    /** Lower is better: GREEN at or below the trajectory, AMBER within the tolerance above it, else RED. */
    public static Rating lowerIsBetter(BigDecimal actual, BigDecimal expected, BigDecimal tolerance) {
        if (actual.compareTo(expected) <= 0) {
            return Rating.GREEN;
        }
        return actual.compareTo(expected.multiply(BigDecimal.ONE.add(tolerance), MC)) <= 0 ? Rating.AMBER : Rating.RED;
    }

    /** Higher is better: GREEN at or above the trajectory, AMBER within the tolerance below it, else RED. */
    public static Rating higherIsBetter(BigDecimal actual, BigDecimal expected, BigDecimal tolerance) {
        if (actual.compareTo(expected) >= 0) {
            return Rating.GREEN;
        }
        return actual.compareTo(expected.multiply(BigDecimal.ONE.subtract(tolerance), MC)) >= 0 ? Rating.AMBER : Rating.RED;
    }

    /** Strictly below the comparator is GREEN; below it plus the tolerance AMBER; else RED. */
    public static Rating belowComparator(BigDecimal actual, BigDecimal comparator, BigDecimal tolerance) {
        if (actual.compareTo(comparator) < 0) {
            return Rating.GREEN;
        }
        return actual.compareTo(comparator.multiply(BigDecimal.ONE.add(tolerance), MC)) < 0 ? Rating.AMBER : Rating.RED;
    }

    /**
     * Maintain: the gap from the baseline in the worse direction (either direction for {@code none}),
     * relative to the baseline: GREEN within the tolerance, AMBER within twice it, else RED.
     */
    public static Rating maintain(BigDecimal actual, BigDecimal baseline, Polarity polarity, BigDecimal tolerance) {
        BigDecimal gap = switch (polarity) {
            case LOWER -> actual.subtract(baseline);
            case HIGHER -> baseline.subtract(actual);
            case NONE -> actual.subtract(baseline).abs();
        };
        if (gap.signum() <= 0) {
            return Rating.GREEN;
        }
        if (baseline.signum() == 0) {
            return Rating.RED;
        }
        BigDecimal relative = gap.divide(baseline.abs(), MC);
        if (relative.compareTo(tolerance) <= 0) {
            return Rating.GREEN;
        }
        return relative.compareTo(tolerance.multiply(BigDecimal.valueOf(2))) <= 0 ? Rating.AMBER : Rating.RED;
    }

    /**
     * The annual target pro rata at the period's last day: target * (days from 1 April to that day, both
     * counted) / (days in that financial year).
     */
    public static BigDecimal proRata(BigDecimal annualTarget, Period period) {
        Period fy = period.financialYear();
        long elapsed = ChronoUnit.DAYS.between(fy.start(), period.end()) + 1;
        long days = ChronoUnit.DAYS.between(fy.start(), fy.end()) + 1;
        return annualTarget.multiply(BigDecimal.valueOf(elapsed)).divide(BigDecimal.valueOf(days), MC);
    }

    // The methods below are what the generated rules call, with the target row's numbers as the loader parsed them.

    /** Rates a reduce-to target: lower is better than its trajectory. */
    public static Assessment reduceTo(Target t, PeriodToRate o) {
        BigDecimal expected = expected(t.baseline(), t.baselineDate(), t.target(), t.targetDate(), o.getPeriod().end());
        return assessment(t, o, o.getValue(), expected, lowerIsBetter(o.getValue(), expected, tolerance(t)));
    }

    /** Rates an increase-to target: higher is better than its trajectory. */
    public static Assessment increaseTo(Target t, PeriodToRate o) {
        BigDecimal expected = expected(t.baseline(), t.baselineDate(), t.target(), t.targetDate(), o.getPeriod().end());
        return assessment(t, o, o.getValue(), expected, higherIsBetter(o.getValue(), expected, tolerance(t)));
    }

    /** Rates a below-comparator target against the comparator's reading: GREY while there is none (null). */
    public static Assessment comparator(Target t, PeriodToRate o, BigDecimal comparator) {
        if (comparator == null) {
            return assessment(t, o, o.getValue(), null, Rating.GREY);
        }
        return assessment(t, o, o.getValue(), comparator, belowComparator(o.getValue(), comparator, tolerance(t)));
    }

    /** Rates a maintain target against its baseline. */
    public static Assessment maintained(Target t, PeriodToRate o) {
        return assessment(t, o, o.getValue(), t.baseline(), maintain(o.getValue(), t.baseline(), t.polarity(), tolerance(t)));
    }

    /** Rates a deliver-annually target: the financial year to date against the target pro rata. */
    public static Assessment annualDelivery(Target t, PeriodToRate o, BigDecimal yearToDate) {
        BigDecimal due = proRata(t.target(), o.getPeriod());
        return assessment(t, o, yearToDate, due, higherIsBetter(yearToDate, due, tolerance(t)));
    }

    /** The amber tolerance as a fraction (5% is 0.05). */
    private static BigDecimal tolerance(Target t) {
        return t.tolerancePct().movePointLeft(2);
    }

    private static Assessment assessment(Target t, PeriodToRate o, BigDecimal actual, BigDecimal expected, Rating rating) {
        return new Assessment(o.getPartnership(), o.getIndicator(), o.getArea(), o.getPeriod(), Numbers.tidy(actual),
                expected == null ? null : Numbers.tidy(expected.setScale(EXPECTED_SCALE, RoundingMode.HALF_UP)),
                rating, Direction.between(o.previousValue(), o.getValue(), t.polarity()),
                Direction.between(o.yearBeforeValue(), o.getValue(), t.polarity()), t.row());
    }
}
