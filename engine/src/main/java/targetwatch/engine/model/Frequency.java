package targetwatch.engine.model;

/** How often a target's readings come: the period notation its readings use. */
public enum Frequency {
    MONTH("month"),
    QUARTER("quarter"),
    YEAR("year"),
    FINANCIAL_YEAR("financial-year");

    private final String code;

    Frequency(String code) {
        this.code = code;
    }

    /** The word used in targets.csv. */
    public String code() {
        return code;
    }

    /** Parses the word used in targets.csv, or throws with the accepted words. */
    public static Frequency fromCode(String code) {
        return Codes.parse(values(), Frequency::code, code, "a frequency");
    }
}
