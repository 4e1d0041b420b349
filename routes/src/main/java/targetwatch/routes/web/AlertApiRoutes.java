package targetwatch.routes.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.AckLinks;
import targetwatch.routes.security.Role;
import targetwatch.routes.service.IngestService;

/**
 * Alerts over HTTP: {@code GET /api/alerts} (open ones, or {@code ?status=all}), {@code GET /api/alerts/{id}} and
 * {@code /history}, {@code POST /api/alerts/{id}/ack} with a comment; and the acknowledgement links of alert mails,
 * {@code /ack/{token}}: a GET shows what would be acknowledged (mail scanners follow links, so a GET changes
 * nothing), the form's POST acknowledges it, once.
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
                .get("/{id}").routeId("api-alert").to("direct:api-alert")
                .get("/{id}/history").routeId("api-alert-history").to("direct:api-alert-history")
                .post("/{id}/ack").routeId("api-alert-ack").to("direct:api-alert-ack");
        rest("/ack")
                .get("/{token}").routeId("ack-link-page").to("direct:ack-link-page")
                .post("/{token}").routeId("ack-link-confirm").to("direct:ack-link-confirm");

        from("direct:api-alerts").routeId("api-alerts-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    String status = exchange.getIn().getHeader("status", "open", String.class);
                    if (!status.equals("open") && !status.equals("all")) {
                        throw new ApiException(400, "status is open or all");
                    }
                    int limit = limit(exchange.getIn().getHeader("limit", String.class));
                    List<AlertState> alerts = service(exchange).store().alerts(status.equals("open"), limit);
                    ApiRoutes.respond(exchange, 200, Map.of("alerts", alerts.stream().map(AlertApiRoutes::toJson).toList()));
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

        from("direct:ack-link-page").routeId("ack-link-page-view")
                .process(exchange -> {
                    String token = exchange.getIn().getHeader("token", String.class);
                    try {
                        AckLinks.Verified link = links(exchange).verify(token);
                        AlertState alert = service(exchange).store().alert(link.alertId())
                                .filter(AlertState::isOpen).orElse(null);
                        if (alert == null) {
                            page(exchange, 404, "Alert already closed", "<p class=\"govuk-body\">This alert has resolved"
                                    + " since the mail was sent: there is nothing to acknowledge.</p>");
                            return;
                        }
                        page(exchange, 200, "Acknowledge an alert", "<p class=\"govuk-body\">" + esc(describe(alert))
                                + "</p><form method=\"post\"><div class=\"govuk-form-group\"><label class=\"govuk-label\" "
                                + "for=\"comment\">What is being done (optional)</label><textarea class=\"govuk-textarea\" "
                                + "id=\"comment\" name=\"comment\" rows=\"4\" maxlength=\"" + MAX_COMMENT + "\"></textarea></div>"
                                + "<button type=\"submit\" class=\"govuk-button\">Acknowledge as " + esc(link.recipient())
                                + "</button></form>");
                    } catch (AckLinks.Refused e) {
                        refused(exchange, e);
                    }
                });

        from("direct:ack-link-confirm").routeId("ack-link-confirm-take")
                .process(exchange -> {
                    String token = exchange.getIn().getHeader("token", String.class);
                    String comment = commentFromForm(exchange);
                    IngestService service = service(exchange);
                    try {
                        AckLinks.Verified link = links(exchange).verify(token);
                        if (!service.store().useToken(link.tokenId(), link.alertId(), java.time.Instant.now())) {
                            throw new AckLinks.Refused(AckLinks.Refused.Why.USED);
                        }
                        service.acknowledge(link.alertId(), link.recipient(), comment);
                        relay(exchange).nudge();
                        page(exchange, 200, "Alert acknowledged", "<p class=\"govuk-body\">Thank you. It will not be "
                                + "escalated or reminded while your acknowledgement holds, and everyone told of it has been "
                                + "told you acknowledged it.</p>");
                    } catch (AckLinks.Refused e) {
                        refused(exchange, e);
                    } catch (NoSuchAlertException e) {
                        page(exchange, 404, "Alert already closed", "<p class=\"govuk-body\">This alert has resolved"
                                + " since the mail was sent: there is nothing to acknowledge.</p>");
                    }
                });
    }

    private static IngestService service(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(IngestService.class);
    }

    private static OutboxRelay relay(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class);
    }

    private static AckLinks links(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(AckLinks.class);
    }

    private static AlertState alert(Exchange exchange) {
        String id = exchange.getIn().getHeader("id", String.class);
        return service(exchange).store().alert(id)
                .orElseThrow(() -> new ApiException(404, "no alert has the id \"" + targetwatch.engine.model.Slugs.abbreviate(id) + "\""));
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

    private static String commentFromForm(Exchange exchange) throws IOException {
        // the HTTP server may already have read a form's fields into headers
        String field = exchange.getIn().getHeader("comment", String.class);
        if (field != null) {
            return checkComment(field);
        }
        byte[] body = ApiRoutes.readLimitedOrEmpty(exchange.getIn().getBody(InputStream.class), 16 * 1024);
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.startsWith("comment=")) {
                return checkComment(URLDecoder.decode(pair.substring("comment=".length()), StandardCharsets.UTF_8));
            }
        }
        return null;
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

    private static String describe(AlertState a) {
        return (a.kind().code().equals("late-data") ? "Late data: no reading for " + a.period() + " of " : a.severity()
                + " alert on ") + a.indicator() + " in " + a.area() + " (" + a.partnership() + "), level " + a.level()
                + ", opened " + a.openedAt() + ".";
    }

    private static void refused(Exchange exchange, AckLinks.Refused e) {
        int status = switch (e.why()) {
            case FORGED -> 403;
            case EXPIRED -> 410;
            case USED -> 409;
        };
        page(exchange, status, "Link not accepted", "<p class=\"govuk-body\">" + esc(e.getMessage()) + "</p>");
    }

    /** A page in the GOV.UK Frontend's markup; everything from outside is escaped. */
    private static void page(Exchange exchange, int status, String title, String body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setHeader("Referrer-Policy", "no-referrer");
        exchange.getMessage().setBody("<!DOCTYPE html><html lang=\"en\" class=\"govuk-template\"><head><meta charset=\"utf-8\">"
                + "<title>" + esc(title) + " - targetwatch</title></head><body class=\"govuk-template__body\">"
                + "<main class=\"govuk-main-wrapper\"><h1 class=\"govuk-heading-l\">" + esc(title) + "</h1>" + body
                + "</main></body></html>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
