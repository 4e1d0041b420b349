package targetwatch.engine.feeds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A header row of a published file, looked up by normalised name: case, spaces, hyphens and
 * punctuation do not matter ({@code LSOA code}, {@code lsoa_code}), and DfT's older {@code accident_*}
 * names answer to the newer {@code collision_*} ones.
 */
public final class Columns {

    private final Map<String, Integer> index = new HashMap<>();

    private Columns(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            index.putIfAbsent(normalise(names.get(i)), i);
        }
    }

    public static Columns of(List<String> names) {
        return new Columns(names);
    }

    /** {@code "Pedestrian_Crossing-Human_Control"} and {@code "pedestrian crossing human control"} are the same name. */
    static String normalise(String name) {
        String n = name.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        return n.replaceAll("(^|_)accident(_|$)", "$1collision$2");
    }

    public boolean has(String name) {
        return index.containsKey(normalise(name));
    }

    /** The position of a column, or -1. */
    public int indexOf(String name) {
        return index.getOrDefault(normalise(name), -1);
    }

    /** The required columns this header lacks, as the publisher spells them. */
    public List<String> missing(List<String> required) {
        List<String> out = new ArrayList<>();
        for (String r : required) {
            if (!has(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Refuses the file whole unless every required column of its kind is there. */
    void require(String file, FeedKind kind) throws FeedRefusedException {
        List<String> missing = missing(kind.required());
        if (!missing.isEmpty()) {
            throw FeedRefusedException.missing(file, kind, missing);
        }
    }
}
