package targetwatch.routes.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.cli.EventJson;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.engine.store.NoiseCounts;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.Role;
import targetwatch.routes.service.Tenants;

/**
 * Alerts over HTTP: {@code GET /api/alerts} (open ones, or {@code ?status=all}), {@code GET /api/alerts/{id}} and
 * {@code /history}, {@code POST /api/alerts/{id}/ack} with a comment. The acknowledgement links of alert mails land on
 * the alert's page ({@code targetwatch.routes.pages.PageRoutes}).
 */
public class AlertApiRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_COMMENT = 500;
    private static final int MAX_LIST = 1000;

    @Override
    public void configure() {
        onException(ApiException.class).handled(true).process(ApiRoutes::problem);

        rest("/api/alerts")
                .get().routeId("api-alerts").to("direct:api-alerts")
                .get("/stats").routeId("api-alerts-stats").to("direct:api-alerts-stats")
                .get("/{id}").routeId("api-alert").to("direct:api-alert")
                .get("/{id}/history").routeId("api-alert-history").to("direct:api-alert-history")
                .post("/{id}/ack").routeId("api-alert-ack").to("direct:api-alert-ack");

        from("direct:api-alerts").routeId("api-alerts-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    String status = exchange.getIn().getHeader("status", "open", String.class);
                    if (!status.equals("open") && !status.equals("all")) {
                        throw new ApiException(400, "status is open or all");
                    }
                    int limit = limit(exchange.getIn().getHeader("limit", String.class));
                    List<AlertState> alerts = new java.util.ArrayList<>();
                    // each partnership the account belongs to, newest first across them
                    for (String id : ApiAuth.principal(exchange).visible(service(exchange).ids())) {
                        alerts.addAll(service(exchange).store().scopedTo(id).alerts(status.equals("open"), limit));
                    }
                    alerts.sort(java.util.Comparator.comparing(AlertState::openedAt).thenComparing(AlertState::id).reversed());
                    alerts = alerts.subList(0, Math.min(limit, alerts.size()));
                    ApiRoutes.respond(exchange, 200, Map.of("alerts", alerts.stream().map(AlertApiRoutes::toJson).toList()));
                });

        // how noisy alerting is: events by type and recipient, those delivered to nobody, and the mails sent
        from("direct:api-alerts-stats").routeId("api-alerts-stats-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    NoiseCounts n = service(exchange).store().noiseCounts();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("events", n.events());
                    body.put("byType", new java.util.TreeMap<>(n.byType()));
                    body.put("byRecipient", new java.util.TreeMap<>(n.byRecipient()));
                    body.put("silenced", n.silenced());
                    body.put("history", n.history());
                    body.put("mailsSent", n.mailsSent());
                    body.put("mailDeliveries", n.mailDeliveries());
                    body.put("folded", n.folded());
                    body.put("dailyMailBudget", service(exchange).first().ingest().ruleSet().settings().dailyMailBudget());
                    body.put("openAlerts", service(exchange).openAlerts().size());
                    ApiRoutes.respond(exchange, 200, body);
                });

        from("direct:api-alert").routeId("api-alert-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> ApiRoutes.respond(exchange, 200, toJson(alert(exchange))));

        from("direct:api-alert-history").routeId("api-alert-history-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    AlertState alert = alert(exchange);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("alert", toJson(alert));
                    body.put("events", service(exchange).store().alertHistory(alert.id()).stream().map(EventJson::toJson).toList());
                    ApiRoutes.respond(exchange, 200, body);
                });

        from("direct:api-alert-ack").routeId("api-alert-ack-take")
                .process(ApiAuth.require(Role.LEAD))
                .process(exchange -> {
                    String id = exchange.getIn().getHeader("id", String.class);
                    String comment = commentFromJson(exchange);
                    String by = exchange.getProperty("user", String.class);
                    alert(exchange); // 404 for no such alert, 403 for another partnership's
                    try {
                        var events = service(exchange).acknowledge(id, by, comment);
                        relay(exchange).nudge();
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("acknowledged", id);
                        body.put("by", by);
                        body.put("events", events.stream().map(EventJson::toJson).toList());
                        ApiRoutes.respond(exchange, 200, body);
                    } catch (NoSuchAlertException e) {
                        throw new ApiException(404, e.getMessage() + ": it was never raised, or has resolved since");
                    }
                });
    }

    private static Tenants service(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Tenants.class);
    }

    private static OutboxRelay relay(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class);
    }

    private static AlertState alert(Exchange exchange) {
        String id = exchange.getIn().getHeader("id", String.class);
        AlertState alert = service(exchange).store().alert(id)
                .orElseThrow(() -> new ApiException(404, "no alert has the id \"" + targetwatch.engine.model.Slugs.abbreviate(id) + "\""));
        ApiAuth.requirePartnership(exchange, alert.partnership());
        return alert;
    }

    private static int limit(String text) {
        if (text == null) {
            return 200;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIST) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400, "limit is a whole number from 1 to " + MAX_LIST);
    }

    /** The optional comment of {@code {"comment":"..."}}; an empty body acknowledges without one. */
    private static String commentFromJson(Exchange exchange) throws IOException {
        byte[] body = ApiRoutes.readLimitedOrEmpty(exchange.getIn().getBody(InputStream.class), 16 * 1024);
        if (body.length == 0) {
            return null;
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "send {\"comment\":\"...\"} as JSON, or no body");
        }
        return checkComment(n == null ? "" : n.path("comment").asText(""));
    }

    private static String checkComment(String comment) {
        String c = comment.strip();
        if (c.length() > MAX_COMMENT || c.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\r')) {
            throw new ApiException(400, "the comment must be plain text of at most " + MAX_COMMENT + " characters");
        }
        return c.isEmpty() ? null : c;
    }

    static Map<String, Object> toJson(AlertState a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("kind", a.kind().code());
        m.put("status", a.isOpen() ? "open" : "resolved");
        m.put("partnership", a.partnership());
        m.put("indicator", a.indicator());
        m.put("area", a.area());
        m.put("priority", a.priority());
        m.put("period", a.period().toString());
        m.put("severity", a.severity().name());
        m.put("level", a.level());
        m.put("openedAt", a.openedAt().toString());
        m.put("told", a.told());
        m.put("acknowledgedBy", a.acknowledgedBy());
        m.put("acknowledgedAt", a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString());
        m.put("acknowledgementComment", a.acknowledgementComment());
        m.put("acknowledgedUntil", a.acknowledgedUntil() == null ? null : a.acknowledgedUntil().toString());
        m.put("silence", a.silence());
        m.put("reminders", a.reminders());
        if (a.kind() == targetwatch.engine.model.AlertKind.LATE_DATA) {
            m.put("missing", a.missing().stream().map(Object::toString).toList());
        }
        m.put("resolvedAt", a.closedAt() == null ? null : a.closedAt().toString());
        return m;
    }
}
