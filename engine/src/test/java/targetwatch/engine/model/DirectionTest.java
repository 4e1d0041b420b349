package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Direction of travel: stable within a 1% relative change (to 16 significant digits), else by polarity. */
class DirectionTest {

    @ParameterizedTest(name = "{0} to {1} is {2}")
    @CsvSource({
            "100, 101, STABLE",
            "100, 99, STABLE",
            "100, 101.00000000000001, WORSENING",
            "100, 98.99999999999999, IMPROVING",
            "100, 101.000000000000005, WORSENING",        // 0.01000000000000005: sixteen digits, beyond 1%
            "100, 101.0000000000000005, STABLE",          // halfway, rounds to 1% at sixteen digits (half even)
            "100, 101.0000000000000006, WORSENING",       // past halfway, rounds up beyond it
            "100, 101.0000000000000015, WORSENING",       // halfway after an odd digit, rounds up
            "100, 101.0000000000000001, STABLE",
            "-50, -50.5, STABLE",
            "-50, -50.6, IMPROVING",
            "0, 0.001, WORSENING",
            "7, 7, STABLE",
            "1E-320, 1.01E-320, STABLE",
            "1E-320, 1.02E-320, WORSENING",
            "1E+400, 1.01E+400, STABLE",
            "1E+400, 1.02E+400, WORSENING",
    })
    void a_change_of_at_most_one_percent_is_stable_and_one_just_beyond_it_is_not(String before, String now, Direction expected) {
        assertEquals(expected, Direction.between(new BigDecimal(before), new BigDecimal(now), Polarity.LOWER));
    }

    @Test
    void the_direction_is_what_the_decimal_division_says_for_any_values() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 200_000; i++) {
            BigDecimal before = BigDecimal.valueOf(random.nextLong(-1_000_000, 1_000_000), random.nextInt(0, 6));
            BigDecimal now = switch (random.nextInt(3)) {
                // near the 1% band, on both sides
                case 0 -> before.multiply(BigDecimal.valueOf(1 + (random.nextBoolean() ? 1 : -1) * (0.0098 + random.nextDouble() * 0.0004)))
                        .setScale(random.nextInt(0, 20), java.math.RoundingMode.HALF_UP);
                case 1 -> before.add(BigDecimal.valueOf(random.nextLong(-1000, 1000), random.nextInt(0, 4)));
                default -> BigDecimal.valueOf(random.nextLong(-1_000_000, 1_000_000), random.nextInt(0, 6));
            };
            for (Polarity polarity : Polarity.values()) {
                assertEquals(byDivision(before, now, polarity), Direction.between(before, now, polarity), before + " to " + now);
            }
        }
    }

    /** The rule as written: the relative change by decimal division to 16 significant digits against 0.01. */
    private static Direction byDivision(BigDecimal before, BigDecimal now, Polarity polarity) {
        BigDecimal change = now.subtract(before);
        if (change.signum() == 0) {
            return Direction.STABLE;
        }
        if (before.signum() != 0
                && change.abs().divide(before.abs(), MathContext.DECIMAL64).compareTo(new BigDecimal("0.01")) <= 0) {
            return Direction.STABLE;
        }
        return switch (polarity) {
            case LOWER -> change.signum() < 0 ? Direction.IMPROVING : Direction.WORSENING;
            case HIGHER -> change.signum() > 0 ? Direction.IMPROVING : Direction.WORSENING;
            case NONE -> Direction.WORSENING;
        };
    }
}
