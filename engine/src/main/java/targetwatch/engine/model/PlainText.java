package targetwatch.engine.model;

/**
 * What text from outside (partners' notes, acknowledgement comments, user names, reasons) may look like once the
 * service has it: one line, with no control, bidi or invisible formatting characters, so that it can neither forge
 * a line of a mail, nor reorder what is around it, nor hide; and, where it is shown, quoted and with links defused.
 * Applied at intake ({@link Reading}, acknowledgements) and again, defensively, wherever such text is rendered.
 */
public final class PlainText {

    private PlainText() {
    }

    /**
     * The text on one line: line and paragraph breaks and tabs become spaces, control characters and formatting
     * characters (bidi embeddings, overrides, isolates and marks, zero-width spaces, the byte order mark) are removed,
     * runs of white space become one space, and the ends are trimmed. Null stays null; what is left blank becomes null.
     * Doing it twice changes nothing.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85) {
                space = b.length() > 0;
            } else if (!removed(c)) {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.appendCodePoint(c);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** Whether a character is dropped from text from outside: controls, formatting (bidi and invisible) characters. */
    static boolean removed(int c) {
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.SURROGATE) {
            return true; // a surrogate here is half a character: the other half is missing
        }
        // formatting characters: bidi marks, embeddings, overrides and isolates (U+200E/F, U+202A-202E, U+2066-2069,
        // U+061C), zero-width space and the byte order mark, tags; the zero-width joiners stay (emoji, Persian)
        return type == Character.FORMAT && c != 0x200C && c != 0x200D;
    }

    /**
     * The text as a mail shows it: on one line, with each URL defused ({@code http://} written {@code http[:]//},
     * {@code www.} written {@code www[.]}) so that no mail reader turns it into a link someone could follow as if the
     * service had sent it.
     */
    public static String defused(String text) {
        String t = oneLine(text);
        if (t == null) {
            return null;
        }
        return t.replaceAll("(?i)\\b([a-z][a-z0-9+.-]{1,20}):(//)", "$1[:]$2")
                .replaceAll("(?i)\\b(mailto|tel|sms|javascript|data):", "$1[:]")
                .replaceAll("(?i)\\bwww\\.", "www[.]");
    }

    /**
     * Someone's text as a mail or page quotes it: {@code kfrs wrote: “...”}, on one line and defused, so that it
     * reads as what its author said and never as the service's own words. Null when there is no text.
     */
    public static String quoted(String author, String text) {
        String t = defused(text);
        if (t == null) {
            return null;
        }
        String who = oneLine(author);
        return (who == null ? "Someone" : who) + " wrote: \u201c" + t + "\u201d";
    }

    /**
     * The text for a log line: every control and formatting character written as an escape (a newline as
     * {@code \n}, the others by their code point), so that a value cannot forge a log line or hide in one. Null is written {@code null}.
     */
    public static String forLog(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder b = null;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean escape = removed(c) || c == 0x2028 || c == 0x2029;
            if (escape && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            i += Character.charCount(c);
            if (b != null) {
                if (!escape) {
                    b.appendCodePoint(c);
                } else if (c == '\n') {
                    b.append("\\n");
                } else if (c == '\r') {
                    b.append("\\r");
                } else if (c == '\t') {
                    b.append("\\t");
                } else {
                    b.append(String.format("\\u%04x", c));
                }
            }
        }
        return b == null ? text : b.toString();
    }
}
