package targetwatch.engine.store;

import targetwatch.engine.model.PlainText;

/**
 * A partner's note on a stored reading, with the source that wrote it: mails and pages quote it as that source's words.
 *
 * @param source the reading's source, such as {@code kfrs}
 * @param text the note, on one line (notes stored before intake cleaned them are cleaned here)
 */
public record StoredNote(String source, String text) {

    public StoredNote {
        text = PlainText.oneLine(text);
    }

    /** The note as mails and pages show it: {@code kfrs wrote: “...”}, its links defused; null when it is blank. */
    public String quoted() {
        return PlainText.quoted(source, text);
    }
}
