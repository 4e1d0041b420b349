package targetwatch.routes.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.store.Delivery;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.Role;
import targetwatch.routes.service.Tenants;

/**
 * Deliveries in doubt, for an administrator: mails handed to the SMTP server that never answered (the process
 * died, or the connection broke, at that moment). {@code GET /api/deliveries/in-doubt} lists them; after a look at
 * the mail server's log, {@code POST /api/deliveries/{id}/resend} sends one again and
 * {@code POST /api/deliveries/{id}/delivered} records that it was made.
 */
public class DeliveryApiRoutes extends RouteBuilder {

    private static final int MAX_LIST = 1000;

    @Override
    public void configure() {
        onException(ApiException.class).handled(true).process(ApiRoutes::problem);

        rest("/api/deliveries")
                .get("/in-doubt").routeId("api-deliveries-in-doubt").to("direct:api-deliveries-in-doubt")
                .post("/{id}/resend").routeId("api-delivery-resend").to("direct:api-delivery-resend")
                .post("/{id}/delivered").routeId("api-delivery-delivered").to("direct:api-delivery-delivered");

        from("direct:api-deliveries-in-doubt").routeId("api-deliveries-in-doubt-view")
                .process(ApiAuth.require(Role.ADMIN))
                .process(exchange -> ApiRoutes.respond(exchange, 200, Map.of("deliveries",
                        service(exchange).store().inDoubtDeliveries(MAX_LIST).stream().map(DeliveryApiRoutes::toJson).toList())));

        from("direct:api-delivery-resend").routeId("api-delivery-resend-take")
                .process(ApiAuth.require(Role.ADMIN))
                .process(exchange -> settle(exchange, true));

        from("direct:api-delivery-delivered").routeId("api-delivery-delivered-take")
                .process(ApiAuth.require(Role.ADMIN))
                .process(exchange -> settle(exchange, false));
    }

    private static void settle(Exchange exchange, boolean resend) throws java.io.IOException {
        String text = exchange.getIn().getHeader("id", String.class);
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ApiException(404, "no delivery has the id \"" + targetwatch.engine.model.Slugs.abbreviate(text) + "\"");
        }
        String by = exchange.getProperty("user", String.class);
        Tenants service = service(exchange);
        if (!service.store().settleInDoubt(id, resend, by, service.clock().instant())) {
            throw new ApiException(404, "delivery " + id + " is not in doubt: it was sent, is waiting, or does not exist");
        }
        if (resend) {
            exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delivery", id);
        body.put("status", resend ? "PENDING" : "SENT");
        body.put("by", by);
        ApiRoutes.respond(exchange, 200, body);
    }

    private static Map<String, Object> toJson(Delivery d) {
        AlertEvent e = d.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("sink", d.sink().name());
        m.put("attempts", d.attempts());
        m.put("eventId", e.id());
        m.put("event", e.type().name());
        m.put("recipient", e.recipient());
        m.put("series", List.of(e.partnership(), e.indicator(), e.area()));
        m.put("period", e.period().toString());
        m.put("alert", e.alertId());
        return m;
    }

    private static Tenants service(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Tenants.class);
    }
}
