package targetwatch.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Which direction of an indicator is better. */
public enum Polarity {
    LOWER("lower"),
    HIGHER("higher"),
    NONE("none");

    private final String code;

    Polarity(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Polarity fromCode(String code) {
        for (Polarity p : values()) {
            if (p.code.equals(code)) {
                return p;
            }
        }
        throw new IllegalArgumentException("\"" + Slugs.abbreviate(String.valueOf(code)) + "\" is not a polarity (expected one of "
                + Arrays.stream(values()).map(Polarity::code).collect(Collectors.joining(", ")) + ")");
    }
}
