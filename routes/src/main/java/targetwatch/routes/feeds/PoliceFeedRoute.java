package targetwatch.routes.feeds;

import java.io.IOException;
import java.io.InputStream;

import targetwatch.engine.feeds.FeedAreas;
import targetwatch.engine.feeds.FeedProgress;
import targetwatch.engine.feeds.FeedReport;
import targetwatch.engine.feeds.PoliceStreetAdapter;
import targetwatch.routes.ingest.Batch;
import targetwatch.routes.service.Tenants;

/**
 * Source: data.police.uk street-level CSVs (one row per crime or ASB incident) dropped into the police
 * feed inbox, as {@code asb-incidents-per-1000} readings (and {@code crimes-per-1000} when a rule set has a target
 * for them). Months carry from one file to the next while
 * the service runs, so each drop extends the rolling 12-month figures.
 */
public class PoliceFeedRoute extends FeedRoute {

    private final PoliceStreetAdapter adapter = new PoliceStreetAdapter();

    public PoliceFeedRoute() {
        super("feed-police", "targetwatch.feeds.police.inbox", ".*\\.(csv|CSV)");
    }

    @Override
    protected FeedReport adapt(FeedAreas areas, String file, InputStream in, Batch batch) throws IOException {
        // crimes-per-1000 too when a partnership has a target for it (the Kent sample's, against the Kent-wide rate)
        boolean crimesTargeted = getContext().getRegistry().findSingleByType(Tenants.class).all().stream()
                .anyMatch(t -> t.ingest().ruleSet().targets().stream().anyMatch(x -> x.indicator().equals(PoliceStreetAdapter.CRIMES)));
        return adapter.adapt(areas, file, in, batch, FeedProgress.NONE, crimesTargeted);
    }
}
