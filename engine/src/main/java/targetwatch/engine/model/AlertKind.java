package targetwatch.engine.model;

/**
 * What an alert is about: a rating that needs attention, or a reading that did not arrive on time. Each
 * kind has its own escalation levels in {@code escalation.csv} (column {@code alert}).
 */
public enum AlertKind {
    RATING("rating"), LATE_DATA("late-data");

    private final String code;

    AlertKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static AlertKind fromCode(String code) {
        return Codes.parse(values(), AlertKind::code, code, "an alert kind");
    }
}
