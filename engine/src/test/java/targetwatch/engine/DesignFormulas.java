package targetwatch.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;

import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;

/**
 * DESIGN.md's target semantics written out again, independently of the engine's own arithmetic, so that
 * tests compute what a rating should be rather than asking the code under test.
 */
public final class DesignFormulas {

    private static final MathContext PRECISE = MathContext.DECIMAL128;

    private DesignFormulas() {
    }

    /**
     * expected(d) = baseline + (target - baseline) * clamp((d - baselineDate) / (targetDate - baselineDate), 0, 1),
     * differences in whole days.
     */
    public static BigDecimal trajectory(BigDecimal baseline, LocalDate baselineDate, BigDecimal target,
                                        LocalDate targetDate, LocalDate d) {
        long elapsed = d.toEpochDay() - baselineDate.toEpochDay();
        long span = targetDate.toEpochDay() - baselineDate.toEpochDay();
        BigDecimal fraction = BigDecimal.valueOf(Math.max(0, Math.min(elapsed, span)))
                .divide(BigDecimal.valueOf(span), PRECISE);
        return baseline.add(target.subtract(baseline).multiply(fraction, PRECISE), PRECISE);
    }

    /** The trajectory of a targets.csv row on day {@code d}. */
    public static BigDecimal trajectory(Target t, LocalDate d) {
        return trajectory(t.baseline(), t.baselineDate(), t.target(), t.targetDate(), d);
    }

    /**
     * An annual target pro rata on day {@code d}: target * (days from 1 April to d, both counted) / (days in
     * that financial year).
     */
    public static BigDecimal proRata(BigDecimal annualTarget, LocalDate d) {
        LocalDate firstOfApril = LocalDate.of(d.getMonthValue() >= 4 ? d.getYear() : d.getYear() - 1, 4, 1);
        long elapsed = d.toEpochDay() - firstOfApril.toEpochDay() + 1;
        long days = firstOfApril.plusYears(1).toEpochDay() - firstOfApril.toEpochDay();
        return annualTarget.multiply(BigDecimal.valueOf(elapsed)).divide(BigDecimal.valueOf(days), PRECISE);
    }

    /** {@code x * (1 + tolerancePct / 100)}: a lower-is-better threshold. */
    public static BigDecimal plusTolerance(BigDecimal x, BigDecimal tolerancePct) {
        return x.multiply(BigDecimal.ONE.add(tolerancePct.movePointLeft(2)), PRECISE);
    }

    /** {@code x * (1 - tolerancePct / 100)}: a higher-is-better threshold. */
    public static BigDecimal minusTolerance(BigDecimal x, BigDecimal tolerancePct) {
        return x.multiply(BigDecimal.ONE.subtract(tolerancePct.movePointLeft(2)), PRECISE);
    }

    /** The smallest difference a partner sends in a unit: 1 for a count, a hundredth otherwise. */
    public static BigDecimal step(Unit unit) {
        return unit == Unit.COUNT ? BigDecimal.ONE : new BigDecimal("0.01");
    }

    /** The largest value a partner could send (whole for a count, to the hundredth otherwise) at or below x. */
    public static BigDecimal atOrBelow(BigDecimal x, Unit unit) {
        return x.setScale(unit == Unit.COUNT ? 0 : 2, RoundingMode.FLOOR);
    }

    /** The smallest value a partner could send at or above x. */
    public static BigDecimal atOrAbove(BigDecimal x, Unit unit) {
        return x.setScale(unit == Unit.COUNT ? 0 : 2, RoundingMode.CEILING);
    }

    /** The largest value a partner could send strictly below x. */
    public static BigDecimal strictlyBelow(BigDecimal x, Unit unit) {
        BigDecimal floor = atOrBelow(x, unit);
        return floor.compareTo(x) == 0 ? floor.subtract(step(unit)) : floor;
    }

    /** What an assessment reports as {@code expected}: to two decimal places. */
    public static BigDecimal reported(BigDecimal x) {
        return x.setScale(2, RoundingMode.HALF_UP);
    }

    /** Asserts two numbers are equal whatever their scale ({@code 20} equals {@code 20.00}). */
    public static void assertNumber(BigDecimal expected, BigDecimal actual) {
        assertEquals(expected == null ? null : expected.stripTrailingZeros().toPlainString(),
                actual == null ? null : actual.stripTrailingZeros().toPlainString());
    }

    /** Asserts two numbers agree to within a billionth (for quotients that do not terminate). */
    public static void assertClose(BigDecimal expected, BigDecimal actual) {
        if (expected.subtract(actual).abs().compareTo(new BigDecimal("1E-9")) > 0) {
            assertEquals(expected.toPlainString(), actual.toPlainString(), "not within a billionth");
        }
    }

    /** Asserts a number equals the one written. */
    public static void assertNumber(String expected, BigDecimal actual) {
        assertNumber(new BigDecimal(expected), actual);
    }
}
