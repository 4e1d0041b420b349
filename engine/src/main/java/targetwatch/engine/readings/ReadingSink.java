package targetwatch.engine.readings;

import targetwatch.engine.model.Reading;

/** Where a parser hands each reading and each rejected one, as it goes: nothing is held in memory. */
public interface ReadingSink {

    void accept(Reading reading, String file, long row);

    void reject(RejectedReading rejected);
}
