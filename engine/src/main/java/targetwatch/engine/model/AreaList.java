package targetwatch.engine.model;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The areas a rule set takes readings for ({@code areas.csv}), so that a typo in a partner's feed is refused with its
 * reason instead of opening alerts to a real lead. An area is taken when areas.csv lists it with {@code readings=yes}
 * or a target names it as its comparator; one listed with {@code alerts=no} is rated and kept but never alerts
 * (quiet). What happens to an area neither lists is the secretariat's choice ({@code unlisted_areas} in
 * settings.csv): refused (the default), held quietly, or rated as any other. A rule set without areas.csv takes every
 * area, as before there was a list.
 *
 * @param rated the areas listed with readings=yes whose series alert
 * @param quiet the areas listed with readings=yes and alerts=no: rated and kept, never alerting
 * @param countedOnly the areas listed with readings=no: they only count toward a wider area, and readings for them
 *                    are refused
 * @param unlisted what happens to a reading for an area none of these names
 * @param home the partnership's own area (settings.csv's {@code area}), or null: with one, readings are taken for it
 *             and the targets' comparator areas only, whatever the list says of the others (a root of partnerships
 *             shares one areas.csv, each partnership rating its own district)
 */
public record AreaList(Set<String> rated, Set<String> quiet, Set<String> countedOnly, Unlisted unlisted, String home) {

    /** Every area taken and rated: a rule set without areas.csv. */
    public static final AreaList ANY = new AreaList(Set.of(), Set.of(), Set.of(), Unlisted.RATE);

    public AreaList(Set<String> rated, Set<String> quiet, Set<String> countedOnly, Unlisted unlisted) {
        this(rated, quiet, countedOnly, unlisted, null);
    }

    /** What a reading for an area the rule set does not know gets. */
    public enum Unlisted {
        /** Refused with its reason: the default once areas.csv lists the areas. */
        REFUSE("refuse"),
        /** Rated and kept, but it opens no alert and chases no late data. */
        QUIET("quiet"),
        /** Rated and alerted as any listed area. */
        RATE("rate");

        private final String code;

        Unlisted(String code) {
            this.code = code;
        }

        /** As settings.csv writes it. */
        public String code() {
            return code;
        }

        public static Optional<Unlisted> fromCode(String code) {
            for (Unlisted u : values()) {
                if (u.code.equals(code)) {
                    return Optional.of(u);
                }
            }
            return Optional.empty();
        }
    }

    public AreaList {
        rated = Set.copyOf(rated);
        quiet = Set.copyOf(quiet);
        countedOnly = Set.copyOf(countedOnly);
        if (unlisted == null) {
            throw new IllegalArgumentException("say what happens to unlisted areas");
        }
    }

    /** The same list, with a different treatment of the areas it does not name. */
    public AreaList withUnlisted(Unlisted treatment) {
        return new AreaList(rated, quiet, countedOnly, treatment, home);
    }

    /** The same list narrowed to a partnership's own area: it and the comparators are taken, every other refused. */
    public AreaList withHome(String area) {
        return new AreaList(rated, quiet, countedOnly, unlisted, area);
    }

    /**
     * Why a reading for the area is refused, if it is.
     *
     * @param comparators the areas the rule set's targets compare with, which are always taken
     */
    public Optional<String> problemWith(String area, Set<String> comparators) {
        if (home != null) {
            return area.equals(home) || comparators.contains(area) ? Optional.empty()
                    : Optional.of("area \"" + Slugs.abbreviate(area) + "\" is not this partnership's: it takes readings for "
                    + home + (comparators.isEmpty() ? "" : " and its comparator" + (comparators.size() == 1 ? " " : "s ")
                    + String.join(", ", new TreeSet<>(comparators))) + " (settings.csv's area)");
        }
        if (rated.contains(area) || quiet.contains(area) || comparators.contains(area)) {
            return Optional.empty();
        }
        if (countedOnly.contains(area)) {
            return Optional.of("area \"" + area + "\" is listed in areas.csv with readings=no: its figures only count"
                    + " toward a wider area (set readings=yes to rate it)");
        }
        if (unlisted != Unlisted.REFUSE) {
            return Optional.empty();
        }
        Set<String> taken = new TreeSet<>(rated);
        taken.addAll(quiet);
        taken.addAll(comparators);
        return Optional.of("unknown area \"" + Slugs.abbreviate(area) + "\": neither areas.csv nor any target names it"
                + " (the areas taken are " + String.join(", ", taken) + ")");
    }

    /** Whether a reading the list takes for the area is rated without alerting. */
    public boolean isQuiet(String area, Set<String> comparators) {
        if (quiet.contains(area)) {
            return true;
        }
        if (home != null) {
            return false;
        }
        return unlisted == Unlisted.QUIET && !rated.contains(area) && !comparators.contains(area)
                && !countedOnly.contains(area);
    }
}
