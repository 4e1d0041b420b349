package targetwatch.engine.model;

import java.math.BigDecimal;
import java.math.MathContext;

/** Direction of travel of an indicator between two periods. */
public enum Direction {
    IMPROVING, STABLE, WORSENING, NONE;

    /** A relative change of at most this much is stable. */
    private static final BigDecimal STABLE_BAND = new BigDecimal("0.01");

    /**
     * The direction from {@code before} to {@code now} for an indicator of the given polarity:
     * stable within 1% relative change; for {@code polarity=none} any larger change is worsening.
     */
    public static Direction between(BigDecimal before, BigDecimal now, Polarity polarity) {
        if (before == null || now == null) {
            return NONE;
        }
        BigDecimal change = now.subtract(before);
        if (change.signum() == 0) {
            return STABLE;
        }
        if (before.signum() != 0 && withinStableBand(change, before)) {
            return STABLE;
        }
        return switch (polarity) {
            case LOWER -> change.signum() < 0 ? IMPROVING : WORSENING;
            case HIGHER -> change.signum() > 0 ? IMPROVING : WORSENING;
            case NONE -> WORSENING;
        };
    }

    /**
     * Whether {@code |change| / |before|}, to 16 significant digits, is at most 1%. Doubles decide when the ratio is clearly
     * on one side (beyond 0.99% or 1.01%: their error is some 1e-16 of it), and the decimal division, the rule itself,
     * decides the rest: every reading's direction is worked out twice, and most are nowhere near 1%.
     */
    private static boolean withinStableBand(BigDecimal change, BigDecimal before) {
        double c = Math.abs(change.doubleValue());
        double b = Math.abs(before.doubleValue());
        if (c >= Double.MIN_NORMAL && b >= Double.MIN_NORMAL && c <= Double.MAX_VALUE && b <= Double.MAX_VALUE) {
            double ratio = c / b;
            if (ratio < CLEARLY_STABLE) {
                return true;
            }
            if (ratio > CLEARLY_NOT) {
                return false;
            }
        }
        return change.abs().divide(before.abs(), MathContext.DECIMAL64).compareTo(STABLE_BAND) <= 0;
    }

    private static final double CLEARLY_STABLE = 0.0099;
    private static final double CLEARLY_NOT = 0.0101;

    /** The lower-case word used in JSON and tables. */
    public String code() {
        return name().toLowerCase();
    }
}
