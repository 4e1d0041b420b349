package targetwatch.routes.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.routes.service.Tenants;
import targetwatch.routes.Settings;
import targetwatch.routes.pages.Sessions;
import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.IngestService;

/**
 * Sizes decided before bodies are read, on the HTTP server itself (a Vert.x handler ahead of every route, before the
 * server's body handler). Every request has a small limit ({@code targetwatch.http.max-body-bytes}; readings
 * {@code targetwatch.max-message-bytes}): a declared length over it is refused at once with 413 and a reason, unread,
 * and an HTTP/1.1 body without a declared length (chunked) is refused with 411. Only the two uploads take more (up to the server's
 * ceiling, {@code camel.server.maxBodySize}), and only once their sender is known: {@code POST /api/rulesets} once its
 * Basic credentials are a secretariat's (checked through {@link LoginGuard}; no, wrong or a lesser role's credentials
 * are answered 401, 429 or 403 here, without the body), {@code POST /rules/upload} once its session cookie is a
 * signed-in secretariat's (anyone else's has the small limit, and the page answers). So an unauthenticated request
 * never has a large body buffered.
 */
public final class BodyLimits implements Handler<RoutingContext> {

    /** The API's rule set upload. */
    public static final String API_UPLOAD = "/api/rulesets";
    /** The rules page's upload form. */
    public static final String PAGE_UPLOAD = "/rules/upload";
    private static final String READINGS = "/api/readings";
    /** Room for a multipart form's boundaries and other fields around the page's file. */
    private static final long MULTIPART_ROOM = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(BodyLimits.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final long general;
    private final long readings;
    private final long apiUpload;
    private final long pageUpload;

    private BodyLimits(CamelContext context) {
        Settings s = new Settings(context);
        this.context = context;
        long ceiling = Long.parseLong(s.get("camel.server.maxBodySize"));
        this.general = Math.min(ceiling, Long.parseLong(s.get("targetwatch.http.max-body-bytes")));
        this.readings = Math.min(general, Long.parseLong(s.get("targetwatch.max-message-bytes")));
        this.apiUpload = Math.min(ceiling, Long.parseLong(s.get("targetwatch.rules.max-upload-bytes")));
        this.pageUpload = Math.min(ceiling, Long.parseLong(s.get("targetwatch.pages.max-upload-bytes")) + MULTIPART_ROOM);
    }

    /** Puts the limits ahead of every route of the context's HTTP server, when it has one (once it has started). */
    public static void install(CamelContext context) {
        Settings s = new Settings(context);
        if (!Boolean.parseBoolean(s.get("camel.server.enabled"))) {
            return;
        }
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(s.get("camel.server.port"))));
        if (router == null) {
            throw new IllegalStateException("the HTTP server's router was not found: the body limits cannot be put on it");
        }
        router.route().order(-1000).handler(new BodyLimits(context));
        LOG.info("HTTP bodies: at most {} bytes, {} for readings, {} for POST {} and {} for POST {} (a secretariat's)",
                s.get("camel.server.maxBodySize"), s.get("targetwatch.max-message-bytes"),
                s.get("targetwatch.rules.max-upload-bytes"), API_UPLOAD, s.get("targetwatch.pages.max-upload-bytes"),
                PAGE_UPLOAD);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        long length = length(request);
        if (!FORM_METHODS.contains(request.method()) && isForm(request.getHeader("Content-Type"))) {
            // a form is decoded only from a method that has a body: over HTTP/2 the body handler would throw on a
            // GET declaring one (HTTP/1.1 lets it through), answering 500. The request is taken as it would be without.
            request.headers().remove("Content-Type");
        }
        if (request.method() == HttpMethod.POST && path.equals(API_UPLOAD)) {
            apiUpload(ctx, length);
        } else if (request.method() == HttpMethod.POST && path.equals(PAGE_UPLOAD) && secretariatSession(request)) {
            within(ctx, length, pageUpload, "the upload");
        } else {
            if (length > general && path.equals(READINGS)) {
                context.getRegistry().findSingleByType(Tenants.class).countDeadLettered();
            }
            within(ctx, length, path.equals(READINGS) ? readings : general, "the body");
        }
    }

    /** Passes a request whose declared length is within the limit on to the server's body handler; refuses others. */
    private static void within(RoutingContext ctx, long length, long limit, String what) {
        if (length > limit) {
            refuse(ctx, 413, what + " is larger than the limit of " + limit + " bytes", Map.of());
        } else if (length < 0 && hasBody(ctx.request())) {
            refuse(ctx, 411, "send the body with a Content-Length header (at most " + limit + " bytes)", Map.of());
        } else {
            ctx.next();
        }
    }

    private void apiUpload(RoutingContext ctx, long length) {
        HttpServerRequest request = ctx.request();
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            refuse(ctx, 401, "sign in with HTTP Basic credentials", Map.of("WWW-Authenticate", "Basic realm=\"targetwatch\""));
            return;
        }
        request.pause();
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        LoginGuard guard = context.getRegistry().findSingleByType(LoginGuard.class);
        // a password check may hash: off the event loop
        ctx.vertx().executeBlocking(() -> guard.basic(authorization, address), false).onComplete(result -> {
            if (result.failed()) {
                LOG.error("checking the credentials of a rule set upload failed", result.cause());
                refuse(ctx, 500, "the credentials could not be checked", Map.of());
                return;
            }
            LoginGuard.Outcome outcome = result.result();
            if (outcome instanceof LoginGuard.Throttled t) {
                refuse(ctx, 429, t.reason() + ": try again in " + t.retryAfterSeconds() + " s",
                        Map.of("Retry-After", String.valueOf(t.retryAfterSeconds())));
            } else if (outcome instanceof LoginGuard.Verified v && v.user().may(Role.SECRETARIAT)) {
                within(ctx, length, apiUpload, "the upload");
            } else if (outcome instanceof LoginGuard.Verified v) {
                refuse(ctx, 403, "this needs the secretariat role; you have " + v.user().role().name().toLowerCase(),
                        Map.of());
            } else {
                refuse(ctx, 401, "sign in with HTTP Basic credentials",
                        Map.of("WWW-Authenticate", "Basic realm=\"targetwatch\""));
            }
        });
    }

    /** Whether the request's session cookie is a signed-in secretariat's, with its account as it is now. */
    private boolean secretariatSession(HttpServerRequest request) {
        io.vertx.core.http.Cookie cookie = request.getCookie(Sessions.COOKIE);
        if (cookie == null) {
            return false;
        }
        Sessions sessions = context.getRegistry().findSingleByType(Sessions.class);
        Users users = context.getRegistry().findSingleByType(Users.class);
        Optional<Sessions.Session> s = sessions.find(cookie.getValue()).filter(Sessions.Session::signedIn);
        return s.flatMap(session -> users.account(session.user())
                        .filter(a -> !a.disabled() && Sessions.sameHash(session, a.hash()) && a.role().includes(Role.SECRETARIAT)))
                .isPresent();
    }

    /** The methods whose form bodies the server's body handler decodes (Vert.x refuses the others over HTTP/2). */
    private static final java.util.Set<HttpMethod> FORM_METHODS = java.util.Set.of(HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE);

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }

    /**
     * Whether a body comes without a declared length: HTTP/1.1 chunked. (An HTTP/2 request may leave its length out,
     * an empty POST does: those have the server's ceiling, camel.server.maxBodySize.)
     */
    private static boolean hasBody(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_2 && request.headers().contains("Transfer-Encoding");
    }

    /** The declared body length, or -1 when none is declared. */
    private static long length(HttpServerRequest request) {
        String header = request.getHeader("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Answers without reading the body, and closes the connection so that the body need not be read either. */
    private static void refuse(RoutingContext ctx, int status, String reason, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            json = "{}";
        }
        var response = ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        headers.forEach(response::putHeader);
        HttpServerRequest request = ctx.request();
        if (request.version() != HttpVersion.HTTP_2) {
            response.putHeader("Connection", "close");
        } else if (!request.isEnded()) {
            // an HTTP/2 stream cannot be closed alone without the client losing the answer: what it still sends is
            // let through and dropped, never kept
            request.handler(ignored -> { });
            request.resume();
        }
        response.end(json);
    }
}
