package targetwatch.routes.feeds;

import java.io.IOException;
import java.io.InputStream;

import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedProgress;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.Stats19Adapter;
import targetwatch.routes.ingest.Batch;

/**
 * Source: DfT STATS19 collision and casualty CSVs dropped into the STATS19 feed inbox, as
 * {@code ksi-casualties} readings. Send a year's collision file before its casualty file: the casualties
 * are placed through their collisions, and their exact count replaces the collision file's estimate.
 */
public class Stats19FeedRoute extends FeedRoute {

    private final Stats19Adapter adapter = new Stats19Adapter();

    public Stats19FeedRoute() {
        super("feed-stats19", "targetwatch.feeds.stats19.inbox", ".*\\.(csv|CSV)");
    }

    @Override
    protected FeedReport adapt(FeedAreas areas, String file, InputStream in, Batch batch) throws IOException {
        return adapter.adapt(areas, file, in, batch, FeedProgress.NONE);
    }
}
