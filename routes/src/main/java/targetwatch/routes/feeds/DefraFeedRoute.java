package targetwatch.routes.feeds;

import java.io.IOException;
import java.io.InputStream;

import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.FlytippingAdapter;
import targetwatch.routes.ingest.Batch;

/**
 * Source: DEFRA's fly-tipping workbook (.xlsx) or its CSV export dropped into the DEFRA feed inbox, as
 * {@code flytipping-incidents-per-1000} readings per financial year.
 */
public class DefraFeedRoute extends FeedRoute {

    private final FlytippingAdapter adapter = new FlytippingAdapter();

    public DefraFeedRoute() {
        super("feed-defra", "targetwatch.feeds.defra.inbox", ".*\\.(csv|CSV|xlsx|XLSX)");
    }

    @Override
    protected FeedReport adapt(FeedAreas areas, String file, InputStream in, Batch batch) throws IOException {
        return adapter.adapt(areas, file, in, batch);
    }
}
