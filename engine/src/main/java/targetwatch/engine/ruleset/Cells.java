package targetwatch.engine.ruleset;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import targetwatch.engine.model.Slugs;

/**
 * Reads the cells of one row of a secretariat file, checking each for type and range; every problem
 * is added to the error list with its file, row and column, and the cell reads as null.
 */
final class Cells {

    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,12}(\\.\\d{1,8})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final int MAX_TEXT = 200;

    private final String file;
    private final int row;
    private final Map<String, String> cells;
    private final List<RuleSetError> errors;

    Cells(String file, int row, Map<String, String> cells, List<RuleSetError> errors) {
        this.file = file;
        this.row = row;
        this.cells = cells;
        this.errors = errors;
    }

    int row() {
        return row;
    }

    /** The raw cell, stripped; empty when blank or absent. */
    String raw(String column) {
        String v = cells.get(column);
        return v == null ? "" : v.strip();
    }

    boolean isBlank(String column) {
        return raw(column).isEmpty();
    }

    void error(String column, String message) {
        errors.add(new RuleSetError(file, row, column, message));
    }

    String slug(String column, boolean required) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        if (!Slugs.isSlug(v)) {
            error(column, quote(v) + " is not a lower-case identifier such as ksi-casualties (letters, digits and hyphens)");
            return null;
        }
        return v;
    }

    /** Free text for people to read: no control characters, nothing a spreadsheet would run as a formula. */
    String text(String column, boolean required) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        if (v.length() > MAX_TEXT) {
            error(column, "is longer than " + MAX_TEXT + " characters");
            return null;
        }
        if (v.chars().anyMatch(c -> Character.isISOControl(c))) {
            error(column, "holds a control character");
            return null;
        }
        if ("=+-@".indexOf(v.charAt(0)) >= 0) {
            error(column, quote(v) + " starts like a spreadsheet formula; write it as plain text");
            return null;
        }
        return v;
    }

    BigDecimal number(String column, boolean required) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        if (!NUMBER.matcher(v).matches()) {
            error(column, quote(v) + " is not a number");
            return null;
        }
        return new BigDecimal(v);
    }

    /** A whole number from {@code min} to {@code max}. */
    Integer integer(String column, boolean required, int min, int max) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        if (!v.matches("-?\\d{1,9}")) {
            error(column, quote(v) + " is not a whole number");
            return null;
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            error(column, n + " is not between " + min + " and " + max);
            return null;
        }
        return n;
    }

    /** {@code yes} or {@code no}. */
    Boolean yesNo(String column, boolean required) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "yes" -> Boolean.TRUE;
            case "no" -> Boolean.FALSE;
            default -> {
                error(column, quote(v) + " is not yes or no");
                yield null;
            }
        };
    }

    LocalDate date(String column, boolean required) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, required);
        }
        if (!DATE.matcher(v).matches()) {
            error(column, quote(v) + " is not a date written yyyy-mm-dd");
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            error(column, quote(v) + " is not a real date");
            return null;
        }
    }

    /** One of a fixed set of words, parsed by the enum's own parser (whose message names the choices). */
    <E> E choice(String column, Function<String, E> parser) {
        String v = raw(column);
        if (v.isEmpty()) {
            return missing(column, true);
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            error(column, e.getMessage());
            return null;
        }
    }

    private <T> T missing(String column, boolean required) {
        if (required) {
            error(column, "is required");
        }
        return null;
    }

    private static String quote(String v) {
        return "\"" + Slugs.abbreviate(v) + "\"";
    }
}
