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
        if (before.signum() != 0
                && change.abs().divide(before.abs(), MathContext.DECIMAL64).compareTo(STABLE_BAND) <= 0) {
            return STABLE;
        }
        return switch (polarity) {
            case LOWER -> change.signum() < 0 ? IMPROVING : WORSENING;
            case HIGHER -> change.signum() > 0 ? IMPROVING : WORSENING;
            case NONE -> WORSENING;
        };
    }

    /** The lower-case word used in JSON and tables. */
    public String code() {
        return name().toLowerCase();
    }
}
