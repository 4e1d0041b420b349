package targetwatch.engine.model;

/** A series of readings: one indicator in one area of one partnership. Ratings and alerts are per series. */
public record SeriesKey(String partnership, String indicator, String area) {

    public SeriesKey {
        Slugs.require("partnership", partnership);
        Slugs.require("indicator", indicator);
        Slugs.require("area", area);
    }

    @Override
    public String toString() {
        return partnership + "/" + indicator + "/" + area;
    }
}
