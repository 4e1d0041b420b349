package targetwatch.routes.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.cli.EventJson;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.readings.ReadingFormat;
import targetwatch.engine.store.DeliveryCounts;
import targetwatch.routes.broker.BrokerStatus;
import targetwatch.routes.ingest.Batch;
import targetwatch.routes.ingest.IngestRoute;
import targetwatch.routes.ingest.jms.BatchedJmsComponent;
import targetwatch.routes.ingest.jms.IntakeHold;
import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Role;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.Tenants;
import targetwatch.routes.security.Users;

/**
 * Source and API over HTTP: {@code POST /api/readings} (JSON), {@code GET /api/status} (the latest
 * assessment of every indicator) and {@code GET /api/health} (UP or DOWN to anyone; with a viewer's credentials also
 * broker, database, rule set, deliveries, readings and sign-in failures).
 */
public class ApiRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    @Override
    public void configure() {
        onException(ApiException.class).handled(true).process(ApiRoutes::problem);

        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest("/api")
                .post("/readings").routeId("ingest-http").to("direct:http-readings")
                .get("/status").routeId("api-status").to("direct:api-status")
                .get("/health").routeId("api-health").to("direct:api-health");

        ReadingFormat format = new ReadingFormat();
        from("direct:http-readings").routeId("ingest-http-readings")
                .process(ApiAuth.require(Role.LEAD))
                .process(exchange -> {
                    Tenants service = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    Users.Principal user = ApiAuth.principal(exchange);
                    String type = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
                    if (type == null || !type.toLowerCase().startsWith("application/json")) {
                        service.countDeadLettered();
                        throw new ApiException(415, "send readings as application/json (got " + (type == null ? "no content type" : type) + ")");
                    }
                    long max = Long.parseLong(exchange.getContext().resolvePropertyPlaceholders("{{targetwatch.max-message-bytes}}"));
                    byte[] body;
                    try {
                        body = readLimited(exchange.getIn().getBody(InputStream.class), max);
                    } catch (ApiException e) {
                        service.countDeadLettered();
                        throw e;
                    }
                    Batch batch = new Batch("request");
                    // a reading naming no partnership is the account's (when it belongs to one), or the only one held
                    List<String> own = user.visible(service.ids());
                    String byDefault = own.size() == 1 ? own.get(0) : service.only().map(Tenants.Tenant::id).orElse(null);
                    format.withDefaultPartnership(byDefault).parseJson("request", new ByteArrayInputStream(body), batch);
                    List<Map<String, Object>> problems = new ArrayList<>();
                    List<Map<String, Object>> forbidden = new ArrayList<>();
                    batch.rejected().forEach(r -> problems.add(problem(r.row(), r.reason())));
                    for (IngestService.Positioned p : batch.readings()) {
                        String partnership = p.reading().partnership();
                        if (!user.belongsTo(partnership)) {
                            forbidden.add(problem(p.position(), "this account belongs to " + String.join(", ",
                                    user.partnerships()) + ", not to " + partnership));
                        } else if (service.get(partnership).isEmpty()) {
                            problems.add(problem(p.position(), service.notHeld(partnership)));
                        } else {
                            service.require(partnership).ingest().problemsWith(p.reading())
                                    .forEach(reason -> problems.add(problem(p.position(), reason)));
                        }
                    }
                    if (!forbidden.isEmpty()) {
                        service.countDeadLettered();
                        org.slf4j.LoggerFactory.getLogger(ApiRoutes.class).warn("refused {} readings for partnerships"
                                + " it does not belong to", targetwatch.engine.model.PlainText.forLog(user.name()));
                        throw new ApiException(403, "no reading was taken: some are for another partnership", forbidden);
                    }
                    if (!problems.isEmpty()) {
                        service.countDeadLettered();
                        throw new ApiException(400, "no reading was taken: fix these and send again", problems);
                    }
                    exchange.getIn().setBody(batch);
                })
                .to(IngestRoute.URI)
                .process(exchange -> {
                    IngestService.Result result = exchange.getIn().getBody(IngestService.Result.class);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("accepted", result.accepted());
                    body.put("assessments", result.assessments().stream().map(EventJson::toJson).toList());
                    body.put("alerts", result.alertEvents().stream().map(EventJson::toJson).toList());
                    respond(exchange, 202, body);
                });

        from("direct:api-status").routeId("api-status-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    Tenants tenants = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    Users.Principal user = ApiAuth.principal(exchange);
                    List<Assessment> latest = new ArrayList<>();
                    Map<String, Object> ruleSets = new java.util.TreeMap<>();
                    for (String id : user.visible(tenants.ids())) {
                        Tenants.Tenant t = tenants.require(id);
                        latest.addAll(t.ingest().latest());
                        ruleSets.put(id, t.ingest().ruleSet().checksum());
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    // one partnership: its checksum as before; several: each partnership's
                    body.put("ruleSet", ruleSets.size() == 1 ? ruleSets.values().iterator().next() : ruleSets);
                    body.put("assessments", latest.stream().map(EventJson::toJson).toList());
                    respond(exchange, 200, body);
                });

        // without credentials only UP or DOWN (a load balancer's probe needs no more); with a viewer's, the detail
        from("direct:api-health").routeId("api-health-view")
                .process(exchange -> {
                    Tenants service = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
                    BrokerStatus broker = exchange.getContext().getRegistry().findSingleByType(BrokerStatus.class);
                    boolean brokerUp = broker.isUp();
                    boolean dbUp = service.store().isHealthy();
                    int status = brokerUp && dbUp ? 200 : 503;
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", brokerUp && dbUp ? "UP" : "DOWN");
                    if (exchange.getIn().getHeader("Authorization") == null) {
                        respond(exchange, status, body);
                        return;
                    }
                    ApiAuth.require(Role.VIEWER).process(exchange);
                    body.put("broker", Map.of("status", brokerUp ? "UP" : "DOWN", "url", broker.description()));
                    body.put("database", Map.of("status", dbUp ? "UP" : "DOWN", "url", service.store().description()));
                    DeliveryCounts d = dbUp ? service.store().deliveryCounts() : new DeliveryCounts(-1, -1, -1, -1);
                    // a consumer holding a batch while the database does not answer
                    IntakeHold.State held = exchange.getContext().getComponent("readings-jms", BatchedJmsComponent.class).hold().state();
                    Map<String, Object> intake = new LinkedHashMap<>();
                    intake.put("waitingForDatabase", held.waitingForDatabase());
                    intake.put("messagesHeld", held.messagesHeld());
                    intake.put("since", held.since() == null ? null : held.since().toString());
                    intake.put("attemptsWhileWaiting", held.attemptsWhileWaiting());
                    body.put("intake", intake);
                    body.put("deliveries", Map.of("pending", d.pending(), "sent", d.sent(), "parked", d.parked(),
                            "inDoubt", d.inDoubt()));
                    Users.Principal user = ApiAuth.principal(exchange);
                    Map<String, Object> partnerships = new java.util.TreeMap<>();
                    for (String id : user.visible(service.ids())) {
                        IngestService p = service.require(id).ingest();
                        partnerships.put(id, Map.of("name", p.ruleSet().partnership().name(), "ruleSetVersion", p.ruleSetVersion(),
                                "checksum", p.ruleSet().checksum(), "targets", p.ruleSet().targets().size(), "rules", p.ruleCount()));
                    }
                    IngestService first = service.first().ingest();
                    body.put("ruleSet", Map.of("checksum", first.ruleSet().checksum(),
                            "targets", first.ruleSet().targets().size(), "rules", first.ruleCount()));
                    body.put("partnerships", partnerships);
                    Map<String, Long> owns = new java.util.TreeMap<>(service.owned());
                    owns.keySet().removeIf(p -> !user.belongsTo(p));
                    body.put("instance", Map.of("id", service.instance(), "shared", service.shared(), "owns", owns));
                    body.put("readings", Map.of("stored", dbUp ? service.store().readingCount() : -1,
                            "taken", service.readingsTaken(), "rejected", service.readingsRejected(),
                            "deadLettered", service.deadLettered()));
                    LoginGuard guard = exchange.getContext().getRegistry().findSingleByType(LoginGuard.class);
                    body.put("signIns", Map.of("checked", guard.passwordChecks(), "failed", guard.failures(),
                            "throttled", guard.throttledAttempts()));
                    respond(exchange, status, body);
                });
    }

    /** Answers an {@link ApiException} as JSON with its status. */
    static void problem(Exchange exchange) throws IOException {
        ApiException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        if (e.details() != null) {
            body.put("details", e.details());
        }
        respond(exchange, e.status(), body);
        e.headers().forEach(exchange.getMessage()::setHeader);
        if (e.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Basic realm=\"targetwatch\"");
        }
    }

    private static Map<String, Object> problem(long item, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("item", item);
        m.put("reason", reason);
        return m;
    }

    /** Reads at most {@code max} bytes, answering 413 for a larger body. */
    static byte[] readLimited(InputStream in, long max) throws IOException {
        if (in == null) {
            throw new ApiException(400, "the request has no body");
        }
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (data.length > max) {
            throw new ApiException(413, "the body is larger than the limit of " + max + " bytes");
        }
        return data;
    }

    /** Reads at most {@code max} bytes of a body that may be absent (an empty array then). */
    static byte[] readLimitedOrEmpty(InputStream in, long max) throws IOException {
        return in == null ? new byte[0] : readLimited(in, max);
    }

    static void respond(Exchange exchange, int status, Object body) throws IOException {
        // the request's headers (and, for a form body, its fields) must not echo back as response headers
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }
}
