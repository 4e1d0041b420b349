package targetwatch.engine.feeds;

import java.io.IOException;
import java.util.List;

/**
 * A feed file refused whole, before any reading was made from it: the wrong shape (its header lacks
 * columns the source always publishes) or a file that cannot be placed (a casualty file before its year's
 * collision file).
 */
public final class FeedRefusedException extends IOException {

    private final transient List<String> missingColumns;

    public FeedRefusedException(String message, List<String> missingColumns) {
        super(message);
        this.missingColumns = List.copyOf(missingColumns);
    }

    public FeedRefusedException(String message) {
        this(message, List.of());
    }

    /** Refuses a file whose header lacks columns, naming each. */
    static FeedRefusedException missing(String file, FeedKind kind, List<String> missing) {
        return new FeedRefusedException(file + ": refused whole: not " + kind.description() + " (the header lacks the column"
                + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + ")", missing);
    }

    /** The message without the file name it starts with, for a report that names the file already. */
    public String reason(String file) {
        String m = getMessage();
        return m.startsWith(file + ": ") ? m.substring(file.length() + 2) : m;
    }

    /** The columns the header lacks; empty when the file was refused for another reason. */
    public List<String> missingColumns() {
        return missingColumns;
    }
}
