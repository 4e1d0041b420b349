package targetwatch.routes.web;

import java.io.InputStream;
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
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.engine.ruleset.TargetsWorkbook;
import targetwatch.engine.store.RuleSetVersion;
import targetwatch.routes.Settings;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.Role;
import targetwatch.routes.service.RuleSetService;

/**
 * Rule sets over HTTP and from the watched folder. Only the secretariat (or admin) may upload, activate
 * or roll back; any signed-in user may read the versions, and the secretariat (and admin) preview them: a preview
 * builds and fires a candidate, which is work only those who may activate it should set going.
 * <ul>
 * <li>{@code GET /api/rulesets}: the versions, newest first</li>
 * <li>{@code POST /api/rulesets}: a zip, or one file named by {@code ?name=targets.csv} (or targets.xlsx,
 * contacts.csv, escalation.csv): checked and built beside the running rule set, stored as a candidate</li>
 * <li>{@code GET /api/rulesets/{version}/preview}: the ratings and alerts activating it would change</li>
 * <li>{@code POST /api/rulesets/{version}/activate}: makes it active (an older version: a rollback)</li>
 * <li>{@code GET /api/rulesets/active/targets.xlsx}: the active targets as a workbook</li>
 * </ul>
 */
public class RuleSetRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    @Override
    public void configure() {
        onException(ApiException.class).handled(true).process(ApiRoutes::problem);
        onException(IllegalArgumentException.class).handled(true).process(exchange -> {
            Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            ApiRoutes.respond(exchange, 404, Map.of("error", e.getMessage()));
        });
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest("/api/rulesets")
                .get().routeId("rulesets-list").to("direct:rulesets-list")
                .post().routeId("rulesets-upload").to("direct:rulesets-upload")
                .get("/active/targets.xlsx").routeId("rulesets-workbook").to("direct:rulesets-workbook")
                .get("/{version}/preview").routeId("rulesets-preview").to("direct:rulesets-preview")
                .post("/{version}/activate").routeId("rulesets-activate").to("direct:rulesets-activate");

        from("direct:rulesets-list").routeId("rulesets-list-view")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> ApiRoutes.respond(exchange, 200, Map.of("active", service(exchange).activeVersion(),
                        "versions", service(exchange).versions().stream().map(RuleSetRoutes::describe).toList())));

        from("direct:rulesets-upload").routeId("rulesets-upload-check")
                .process(ApiAuth.require(Role.SECRETARIAT))
                .process(exchange -> {
                    long max = Long.parseLong(new Settings(exchange.getContext()).get("targetwatch.rules.max-upload-bytes"));
                    byte[] body = ApiRoutes.readLimited(exchange.getIn().getBody(InputStream.class), max);
                    String type = String.valueOf(exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class)).toLowerCase();
                    String name = exchange.getIn().getHeader("name", String.class);
                    String who = String.valueOf(exchange.getProperty("user"));
                    String comment = exchange.getIn().getHeader("comment", String.class);
                    Map<String, String> uploaded;
                    try {
                        uploaded = type.startsWith("application/zip") || type.startsWith("application/x-zip")
                                ? Uploads.unzip(body)
                                : Uploads.file(require(name), body);
                    } catch (ApiException e) {
                        log.warn("refused a rule set upload from {}: {} {}", who, e.getMessage(),
                                e.details() == null ? "" : e.details());
                        throw e;
                    }
                    targetwatch.routes.service.Tenants.Tenant tenant = ApiAuth.tenant(exchange);
                    RuleSetService.Submission s = tenant.rules().submitOverActive(uploaded, who, comment);
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("version", s.version());
                    answer.put("checksum", s.checksum());
                    answer.put("status", s.refused() ? RuleSetVersion.REFUSED : RuleSetVersion.CANDIDATE);
                    if (s.refused()) {
                        answer.put("errors", s.errors().stream().map(Object::toString).toList());
                    } else {
                        answer.put("preview", "/api/rulesets/" + s.version() + "/preview?partnership=" + tenant.id());
                    }
                    ApiRoutes.respond(exchange, s.refused() ? 422 : 201, answer);
                });

        from("direct:rulesets-preview").routeId("rulesets-preview-view")
                .process(ApiAuth.require(Role.SECRETARIAT))
                .process(exchange -> {
                    int version = exchange.getIn().getHeader("version", Integer.class);
                    try (RuleEngine.Rebuilt r = service(exchange).preview(version)) {
                        ApiRoutes.respond(exchange, 200, changes(version, r));
                    }
                });

        from("direct:rulesets-activate").routeId("rulesets-activate-now")
                .process(ApiAuth.require(Role.SECRETARIAT))
                .process(exchange -> {
                    int version = exchange.getIn().getHeader("version", Integer.class);
                    RuleEngine.Rebuilt r = service(exchange).activate(version, String.valueOf(exchange.getProperty("user")));
                    exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                    ApiRoutes.respond(exchange, 200, changes(version, r));
                });

        from("direct:rulesets-workbook").routeId("rulesets-workbook-download")
                .process(ApiAuth.require(Role.VIEWER))
                .process(exchange -> {
                    String csv = service(exchange).activeFiles().get("targets.csv");
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
                    exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"targets.xlsx\"");
                    exchange.getMessage().setBody(TargetsWorkbook.fromCsv(csv));
                });

        from("timer:rules-watch?period={{targetwatch.rules.watch-ms}}&delay={{targetwatch.rules.watch-ms}}")
                .routeId("rules-watch")
                .process(new FolderWatch());
    }

    private static String require(String name) {
        if (name == null || name.isBlank()) {
            throw new ApiException(400, "name the file: POST /api/rulesets?name=targets.csv (or send a zip as application/zip)");
        }
        return name;
    }

    static Map<String, Object> describe(RuleSetVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("status", v.status());
        m.put("checksum", v.checksum());
        m.put("createdAt", v.createdAt().toString());
        m.put("createdBy", v.createdBy());
        m.put("comment", v.comment());
        m.put("activatedAt", v.activatedAt() == null ? null : v.activatedAt().toString());
        m.put("errors", v.errors() == null ? List.of() : List.of(v.errors().split("\n")));
        return m;
    }

    /** What a rule set change alters: each rating (before and after) and each alert. */
    static Map<String, Object> changes(int version, RuleEngine.Rebuilt r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("ratings", r.ratings().stream().map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("series", c.series().toString());
            x.put("period", c.period().toString());
            x.put("before", summary(c.before()));
            x.put("after", summary(c.after()));
            return x;
        }).toList());
        m.put("alerts", r.alerts().stream().map(a -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("series", a.series().toString());
            x.put("before", a.before() == null ? "none" : a.before().name());
            x.put("after", a.after() == null ? "none" : a.after().name());
            return x;
        }).toList());
        m.put("events", r.events().stream().map(EventJson::toJson).toList());
        if (!r.complete()) {
            // a preview lists a bounded number of each; these say how many more there are
            m.put("ratingsLeftOut", r.ratingsLeftOut());
            m.put("alertsLeftOut", r.alertsLeftOut());
            m.put("eventsLeftOut", r.eventsLeftOut());
        }
        return m;
    }

    private static Object summary(Assessment a) {
        return a == null ? null : EventJson.toJson(a);
    }

    /** The rule sets of the partnership the request is about ({@link ApiAuth#tenant}). */
    private static RuleSetService service(Exchange exchange) {
        return ApiAuth.tenant(exchange).rules();
    }

    /**
     * Picks up changes to the rules folder, each partnership's folder (with the root's shared files) alone: submitted
     * as that partnership's candidate, and activated when the setting says so. A partnership folder the service does
     * not hold (added since it started) waits for a restart.
     */
    private final class FolderWatch implements org.apache.camel.Processor {
        private final Map<String, String> lastSeen = new java.util.HashMap<>();

        @Override
        public void process(Exchange exchange) throws Exception {
            Settings settings = new Settings(exchange.getContext());
            targetwatch.routes.service.Tenants tenants = exchange.getContext().getRegistry()
                    .findSingleByType(targetwatch.routes.service.Tenants.class);
            targetwatch.engine.ruleset.RuleSetLayout layout;
            try {
                layout = targetwatch.engine.ruleset.RuleSetLayout.of(settings.path("targetwatch.rules"));
            } catch (targetwatch.engine.ruleset.RuleSetRejectedException e) {
                return; // mid-edit, or emptied: the running rule sets stay
            }
            for (Map.Entry<String, java.nio.file.Path> p : layout.partnerships().entrySet()) {
                java.util.Optional<targetwatch.routes.service.Tenants.Tenant> tenant = tenants.get(p.getKey());
                if (tenant.isEmpty()) {
                    continue;
                }
                RuleSetService service = tenant.get().rules();
                Map<String, String> files = RuleSetFiles.read(p.getValue(), layout.shared());
                String checksum = RuleSetFiles.checksum(files);
                String seen = lastSeen.computeIfAbsent(p.getKey(), k -> service.versions().stream()
                        .filter(v -> RuleSetVersion.ACTIVE.equals(v.status())).map(RuleSetVersion::checksum).findFirst().orElse(""));
                if (checksum.equals(seen)) {
                    continue;
                }
                lastSeen.put(p.getKey(), checksum);
                RuleSetService.Submission s = service.submit(files, "rules folder", "changed in " + p.getValue());
                if (!s.refused() && Boolean.parseBoolean(settings.get("targetwatch.rules.auto-activate"))) {
                    service.activate(s.version(), "rules folder");
                    exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
                }
            }
        }
    }
}
