package targetwatch.routes.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.readings.RejectedReading;
import targetwatch.routes.service.IngestService;

/**
 * The one route every source adapts onto: assesses a {@link Batch} and hands each alert event to the
 * notification fan-out without waiting for it. The body comes back as an {@link IngestService.Result}
 * holding every rejected row, from parsing or from the rule set.
 */
public class IngestRoute extends RouteBuilder {

    public static final String URI = "direct:ingest";
    public static final String ALERTS = "seda:alerts?size=100000&blockWhenFull=false";

    @Override
    public void configure() {
        from(URI).routeId("ingest")
                .process(exchange -> {
                    Batch batch = exchange.getIn().getMandatoryBody(Batch.class);
                    IngestService service = exchange.getContext().getRegistry().findSingleByType(IngestService.class);
                    IngestService.Result result = service.ingest(batch.where(), batch.readings());
                    List<RejectedReading> rejected = new ArrayList<>(batch.rejected());
                    rejected.addAll(result.rejected());
                    rejected.sort((a, b) -> Long.compare(a.row(), b.row()));
                    exchange.getIn().setBody(new IngestService.Result(result.accepted(), result.assessments(),
                            result.alertEvents(), rejected));
                    exchange.setProperty("alertEvents", result.alertEvents());
                })
                .filter(exchange -> !exchange.getProperty("alertEvents", List.class).isEmpty())
                    .split(exchangeProperty("alertEvents"))
                        .to(ExchangePattern.InOnly, ALERTS)
                    .end()
                .end();
    }
}
