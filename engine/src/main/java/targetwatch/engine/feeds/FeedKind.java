package targetwatch.engine.feeds;

import java.util.List;
import java.util.Optional;

/** The published files targetwatch turns into readings, each recognised by its header. */
public enum FeedKind {

    POLICE_STREET("a data.police.uk street-level CSV", List.of("Month", "Falls within", "LSOA code", "LSOA name", "Crime type")),
    STATS19_COLLISIONS("a DfT STATS19 collision CSV", List.of("collision_index", "collision_severity", "date")),
    STATS19_CASUALTIES("a DfT STATS19 casualty CSV", List.of("collision_index", "casualty_severity")),
    DEFRA_FLYTIPPING("a DEFRA fly-tipping incidents table", List.of("Year", "ONS Code", "LA Name", "Total Incidents"));

    private final String description;
    private final List<String> required;

    FeedKind(String description, List<String> required) {
        this.description = description;
        this.required = required;
    }

    /** What the file is, in words: {@code a data.police.uk street-level CSV}. */
    public String description() {
        return description;
    }

    /** The columns, as the publisher spells them, without which a file of this kind is refused whole. */
    public List<String> required() {
        return required;
    }

    /**
     * Which kind a header row is, if any. A header needs only its kind's tell-tale columns to be
     * recognised; the adapter then refuses it whole if it lacks any other required one.
     */
    public static Optional<FeedKind> recognise(Columns header) {
        if (header.has("crime_type") && header.has("lsoa_code")) {
            return Optional.of(POLICE_STREET);
        }
        if (header.has("collision_index") && header.has("casualty_severity")) {
            return Optional.of(STATS19_CASUALTIES);
        }
        if (header.has("collision_index") && (header.has("collision_severity") || header.has("local_authority_district"))) {
            return Optional.of(STATS19_COLLISIONS);
        }
        if (header.has("ons_code") && header.has("total_incidents")) {
            return Optional.of(DEFRA_FLYTIPPING);
        }
        return Optional.empty();
    }
}
