package targetwatch.routes.ingest;

import java.util.ArrayList;
import java.util.List;

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
    private final List<Positioned> readings = new ArrayList<>();
    private final List<RejectedReading> rejected = new ArrayList<>();

    public Batch(String where) {
        this.where = where;
    }

    @Override
    public void accept(Reading reading, String file, long row) {
        readings.add(new Positioned(reading, row));
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
