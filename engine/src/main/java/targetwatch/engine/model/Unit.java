package targetwatch.engine.model;

import java.math.BigDecimal;
import java.util.Optional;

/** The unit of an indicator's values, and the range a value in it may take. */
public enum Unit {
    PER_1000("per-1000"),
    PERCENT("percent"),
    COUNT("count");

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final String code;

    Unit(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Unit fromCode(String code) {
        return Codes.parse(values(), Unit::code, code, "a unit");
    }

    /** Why a value cannot be in this unit, or empty when it can. */
    public Optional<String> problemWith(BigDecimal value) {
        if (value.signum() < 0) {
            return Optional.of("a " + code + " value cannot be negative, got " + value.toPlainString());
        }
        return switch (this) {
            case PERCENT -> value.compareTo(HUNDRED) > 0
                    ? Optional.of("a percentage must be between 0 and 100, got " + value.toPlainString())
                    : Optional.empty();
            case PER_1000 -> value.compareTo(THOUSAND) > 0
                    ? Optional.of("a rate per 1,000 must be between 0 and 1000, got " + value.toPlainString())
                    : Optional.empty();
            case COUNT -> value.stripTrailingZeros().scale() > 0
                    ? Optional.of("a count must be a whole number, got " + value.toPlainString())
                    : Optional.empty();
        };
    }
}
