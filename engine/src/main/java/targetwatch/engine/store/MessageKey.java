package targetwatch.engine.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key a processed message's id is stored and looked up under: the id itself, but with the time of a time-based
 * (version 1) UUID put first. Artemis gives each message such a UUID ({@code ID:} and the UUID), whose canonical text
 * begins with the timestamp's fastest-moving 32 bits; stored as it is, each id lands at a random place in the table's
 * index, so that every batch of 500 changed a few hundred of the index's pages, each written out whole at the commit.
 * With the timestamp's high bits first the keys of one batch sit side by side at the end of the index, as an
 * identity column's do. Ids of any other form (an AMQP client's own, a UUID of another version) are kept as they are.
 * <p>
 * The mapping is one to one, so a key names one id: a time-ordered key begins with {@value #TIME_ORDERED}, and an id
 * that itself begins with that or with {@value #ESCAPE} is stored with {@value #ESCAPE} before it. Keys are at most
 * one character longer than their ids. Keys are stored: a change to the mapping needs a migration of its own, as V15
 * made the ids stored before it into keys with this one.
 */
public final class MessageKey {

    /** What a time-ordered key begins with. */
    static final String TIME_ORDERED = "t1:";
    /** What an id that could be taken for a key is stored behind. */
    static final String ESCAPE = "~";
    /** The longest key: one longer than the longest id kept. */
    public static final int MAX_KEY = ProcessedMessage.MAX_ID + 1;

    /** {@code ID:} and a canonical version 1 UUID: time low, time mid, 1 and time high, clock sequence, node. */
    private static final Pattern TIME_BASED = Pattern.compile(
            "ID:([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-([0-9a-f]{4}-[0-9a-f]{12})");
    /** A time-ordered key: time high, time mid, time low, clock sequence and node. */
    private static final Pattern KEY = Pattern.compile(
            "t1:([0-9a-f]{3})([0-9a-f]{4})([0-9a-f]{8})-([0-9a-f]{4}-[0-9a-f]{12})");

    private MessageKey() {
    }

    /** The key a message's id is stored under. */
    public static String of(String id) {
        Matcher m = TIME_BASED.matcher(id);
        if (m.matches()) {
            return TIME_ORDERED + m.group(3) + m.group(2) + m.group(1) + "-" + m.group(4);
        }
        return id.startsWith(TIME_ORDERED) || id.startsWith(ESCAPE) ? ESCAPE + id : id;
    }

    /** The id a key was made from. */
    public static String idOf(String key) {
        if (key.startsWith(ESCAPE)) {
            return key.substring(ESCAPE.length());
        }
        Matcher m = KEY.matcher(key);
        if (m.matches()) {
            return "ID:" + m.group(3) + "-" + m.group(2) + "-1" + m.group(1) + "-" + m.group(4);
        }
        return key;
    }
}
