package targetwatch.routes.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.Tenants;

/**
 * The one route every source adapts onto: assesses a {@link Batch}, storing readings, assessments,
 * alert events and their deliveries in one transaction, then nudges the outbox relay without waiting
 * for it. The body comes back as an {@link IngestService.Result} holding every rejected row, from
 * parsing or from the rule set.
 */
public class IngestRoute extends RouteBuilder {

    public static final String URI = "direct:ingest";

    @Override
    public void configure() {
        from(URI).routeId("ingest")
                .process(exchange -> {
                    Batch batch = exchange.getIn().getMandatoryBody(Batch.class);
                    Tenants tenants = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    // a published feed covers many areas and no partnership: each reading goes to those taking its area
                    IngestService.Result result = batch.feed() ? tenants.ingestFeed(batch.where(), batch.readings())
                            : tenants.ingest(batch.where(), batch.readings());
                    List<RejectedReading> rejected = new ArrayList<>(batch.rejected());
                    rejected.addAll(result.rejected());
                    rejected.sort((a, b) -> Long.compare(a.row(), b.row()));
                    exchange.getIn().setBody(new IngestService.Result(result.accepted(), result.assessments(),
                            result.alertEvents(), rejected));
                    if (!result.alertEvents().isEmpty()) {
                        exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                    }
                });
    }
}
