package targetwatch.engine.model;

/** What a target promises; each kind has its own rule template and rating semantics (DESIGN.md). */
public enum Kind {
    REDUCE_TO("reduce-to"),
    INCREASE_TO("increase-to"),
    BELOW_COMPARATOR("below-comparator"),
    MAINTAIN("maintain"),
    DELIVER_ANNUALLY("deliver-annually");

    private final String code;

    Kind(String code) {
        this.code = code;
    }

    /** The word used in targets.csv, and the name of the kind's template. */
    public String code() {
        return code;
    }

    public static Kind fromCode(String code) {
        return Codes.parse(values(), Kind::code, code, "a kind");
    }
}
