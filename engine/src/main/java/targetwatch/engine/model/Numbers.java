package targetwatch.engine.model;

import java.math.BigDecimal;

/** How numbers are kept: without trailing zeros and never in exponent form, so equal values are equal. */
public final class Numbers {

    private Numbers() {
    }

    /** {@code 52.0} becomes {@code 52}, {@code 4E+1} becomes {@code 40}. */
    public static BigDecimal tidy(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
