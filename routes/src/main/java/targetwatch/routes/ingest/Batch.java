package targetwatch.routes.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.ReadingSink;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.service.IngestService.Positioned;

/**
 * What a source route hands the shared ingest route: the readings parsed from one file, message or
 * request, and the rows that could not be parsed, each with its position.
 */
public final class Batch implements ReadingSink {

    private final String where;
    private final UnaryOperator<Reading> admit;
    private final List<Positioned> readings = new ArrayList<>();
    private final List<RejectedReading> rejected = new ArrayList<>();
    private final boolean feed;

    public Batch(String where) {
        this(where, UnaryOperator.identity());
    }

    /**
     * A published feed's readings (the police street-level file, STATS19, DEFRA's fly-tipping): they cover many areas
     * and name no partnership, and go to every partnership that takes their area.
     */
    public static Batch ofFeed(String where) {
        return new Batch(where, UnaryOperator.identity(), true);
    }

    /**
     * @param admit each parsed reading as its sender may send it, or an {@link IllegalArgumentException} naming why the
     *              sender may not: the row is then rejected with that reason
     */
    public Batch(String where, UnaryOperator<Reading> admit) {
        this(where, admit, false);
    }

    private Batch(String where, UnaryOperator<Reading> admit, boolean feed) {
        this.where = where;
        this.admit = admit;
        this.feed = feed;
    }

    /** Whether these are a published feed's readings, for every partnership taking their areas. */
    public boolean feed() {
        return feed;
    }

    @Override
    public void accept(Reading reading, String file, long row) {
        try {
            readings.add(new Positioned(admit.apply(reading), row));
        } catch (IllegalArgumentException e) {
            rejected.add(new RejectedReading(file, row, e.getMessage()));
        }
    }

    @Override
    public void reject(RejectedReading r) {
        rejected.add(r);
    }

    public String where() {
        return where;
    }

    public List<Positioned> readings() {
        return readings;
    }

    public List<RejectedReading> rejected() {
        return rejected;
    }
}
