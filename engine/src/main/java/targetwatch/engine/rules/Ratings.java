package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Numbers;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;

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

    // The methods below are what the generated rules call.

    /** Rates a reduce-to target: lower is better than its trajectory. */
    public static Assessment reduceTo(int row, String polarity, Observation o, Collection<Observation> earlier,
                                      String baseline, String baselineDate, String target, String targetDate,
                                      String tolerancePct) {
        return trajectory(false, row, polarity, o, earlier, baseline, baselineDate, target, targetDate, tolerancePct);
    }

    /** Rates an increase-to target: higher is better than its trajectory. */
    public static Assessment increaseTo(int row, String polarity, Observation o, Collection<Observation> earlier,
                                        String baseline, String baselineDate, String target, String targetDate,
                                        String tolerancePct) {
        return trajectory(true, row, polarity, o, earlier, baseline, baselineDate, target, targetDate, tolerancePct);
    }

    private static Assessment trajectory(boolean higherIsBetter, int row, String polarity, Observation o,
                                         Collection<Observation> earlier, String baseline, String baselineDate,
                                         String target, String targetDate, String tolerancePct) {
        BigDecimal expected = expected(new BigDecimal(baseline), LocalDate.parse(baselineDate), new BigDecimal(target),
                LocalDate.parse(targetDate), o.getPeriod().end());
        BigDecimal tol = new BigDecimal(tolerancePct).movePointLeft(2);
        Rating rating = higherIsBetter ? higherIsBetter(o.getValue(), expected, tol) : lowerIsBetter(o.getValue(), expected, tol);
        return assessment(row, Polarity.fromCode(polarity), o, o.getValue(), expected, rating, earlier);
    }

    /** Rates a below-comparator target: GREY while the comparator area has no reading for the period. */
    public static Assessment comparator(int row, String polarity, Observation o, Collection<Observation> comparators,
                                        Collection<Observation> earlier, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        if (comparators.isEmpty()) {
            return assessment(row, p, o, o.getValue(), null, Rating.GREY, earlier);
        }
        BigDecimal comparator = comparators.iterator().next().getValue();
        Rating rating = belowComparator(o.getValue(), comparator, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, o.getValue(), comparator, rating, earlier);
    }

    /** Rates a maintain target against its baseline. */
    public static Assessment maintained(int row, String polarity, Observation o, Collection<Observation> earlier,
                                        String baseline, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        BigDecimal base = new BigDecimal(baseline);
        Rating rating = maintain(o.getValue(), base, p, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, o.getValue(), base, rating, earlier);
    }

    /** Rates a deliver-annually target: the financial year to date against the target pro rata. */
    public static Assessment annualDelivery(int row, String polarity, Observation o, Collection<Observation> yearToDate,
                                            Collection<Observation> earlier, String annualTarget, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        BigDecimal sum = BigDecimal.ZERO;
        for (Observation each : yearToDate) {
            sum = sum.add(each.getValue());
        }
        BigDecimal due = proRata(new BigDecimal(annualTarget), o.getPeriod());
        Rating rating = higherIsBetter(sum, due, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, sum, due, rating, earlier);
    }

    private static Assessment assessment(int row, Polarity polarity, Observation o, BigDecimal actual, BigDecimal expected,
                                         Rating rating, Collection<Observation> earlier) {
        BigDecimal previous = null;
        BigDecimal yearBefore = null;
        for (Observation e : earlier) {
            if (e.getPeriod().equals(o.getPeriod().previous())) {
                previous = e.getValue();
            }
            if (e.getPeriod().equals(o.getPeriod().yearBefore())) {
                yearBefore = e.getValue();
            }
        }
        return new Assessment(o.getPartnership(), o.getIndicator(), o.getArea(), o.getPeriod(), Numbers.tidy(actual),
                expected == null ? null : Numbers.tidy(expected.setScale(EXPECTED_SCALE, RoundingMode.HALF_UP)),
                rating, Direction.between(previous, o.getValue(), polarity),
                Direction.between(yearBefore, o.getValue(), polarity), row);
    }
}
