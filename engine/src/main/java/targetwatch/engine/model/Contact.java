package targetwatch.engine.model;

import java.util.regex.Pattern;

/** Someone the partnership tells about a target: a lead officer, the chair, a committee. */
public record Contact(String id, String name, String role, String organisation, String email) {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    public Contact {
        Slugs.require("id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("\"" + Slugs.abbreviate(String.valueOf(email)) + "\" is not an email address");
        }
    }

    /** Whether the text is an email address we would send to. */
    public static boolean isEmail(String text) {
        return text != null && EMAIL.matcher(text).matches();
    }
}
