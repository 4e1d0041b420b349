package targetwatch.engine.model;

import java.util.regex.Pattern;

/** The one rule for identifiers (partnerships, indicators, areas, sources, contacts): lower-case slugs. */
public final class Slugs {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
    private static final int MAX_LENGTH = 64;

    private Slugs() {
    }

    /** Whether the text is a slug such as {@code ksi-casualties}. */
    public static boolean isSlug(String text) {
        return text != null && text.length() <= MAX_LENGTH && SLUG.matcher(text).matches();
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
