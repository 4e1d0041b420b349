package targetwatch.engine.model;

/** The one rule for identifiers (partnerships, indicators, areas, sources, contacts): lower-case slugs. */
public final class Slugs {

    private static final int MAX_LENGTH = 64;

    private Slugs() {
    }

    /**
     * Whether the text is a slug such as {@code ksi-casualties}: runs of {@code [a-z0-9]} joined by single hyphens
     * ({@code [a-z0-9]+(?:-[a-z0-9]+)*}), at most 64 characters. Checked by hand, not by a regular expression: every
     * series key the engine makes is checked, several times per reading.
     */
    public static boolean isSlug(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        boolean afterHyphen = true; // the first character, like one after a hyphen, must be a letter or digit
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-') {
                if (afterHyphen) {
                    return false;
                }
                afterHyphen = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                afterHyphen = false;
            } else {
                return false;
            }
        }
        return !afterHyphen;
    }

    /** Returns the text if it is a slug, or throws naming the field. */
    public static String require(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!isSlug(text)) {
            throw new IllegalArgumentException(field + " \"" + abbreviate(text) + "\" is not a lower-case slug such as ksi-casualties");
        }
        return text;
    }

    /** Cuts long text for error messages so that a hostile value cannot flood a report. */
    public static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
