package targetwatch.engine.model;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parses the words the secretariat writes (kind, polarity, unit, frequency) into their enum values. */
final class Codes {

    private Codes() {
    }

    /** The value whose code is {@code code}, or an error naming what it is not and the words accepted. */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> codeOf, String code, String what) {
        for (E v : values) {
            if (codeOf.apply(v).equals(code)) {
                return v;
            }
        }
        throw new IllegalArgumentException("\"" + Slugs.abbreviate(String.valueOf(code)) + "\" is not " + what
                + " (expected one of " + Arrays.stream(values).map(codeOf).collect(Collectors.joining(", ")) + ")");
    }
}
