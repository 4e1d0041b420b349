package targetwatch.engine.feeds;

/** Told how many rows of a file have been read so far, every few thousand rows, for a progress line. */
@FunctionalInterface
public interface FeedProgress {

    FeedProgress NONE = rows -> { };

    /** How often, in rows, adapters report. */
    int EVERY = 5_000;

    void rowsRead(long rows);
}
