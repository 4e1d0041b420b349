package targetwatch.routes.alerts;

import org.apache.camel.builder.RouteBuilder;

import targetwatch.routes.service.Tenants;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.service.IngestService;

/**
 * The alert clock: every {@code targetwatch.alerts.tick-ms} the engine's clock moves to now, and what fell due
 * (escalations after working days, reminders, late data, silences beginning and ending) is stored and sent.
 */
public class AlertClockRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:alert-clock?period={{targetwatch.alerts.tick-ms}}&delay={{targetwatch.alerts.tick-ms}}")
                .routeId("alert-clock")
                .process(exchange -> {
                    var events = exchange.getContext().getRegistry().findSingleByType(Tenants.class).tick();
                    if (!events.isEmpty()) {
                        exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                    }
                });
    }
}
