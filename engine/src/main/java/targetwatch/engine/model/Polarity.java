package targetwatch.engine.model;

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
        return Codes.parse(values(), Polarity::code, code, "a polarity");
    }
}
