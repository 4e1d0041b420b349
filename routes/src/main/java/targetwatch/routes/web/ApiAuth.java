package targetwatch.routes.web;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

import targetwatch.engine.model.PlainText;
import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * Requires a user with at least the given role: 401 without valid credentials, 403 with too small a role, 429 with a
 * Retry-After when the address or the name has failed too often (answered before any password is hashed, by
 * {@link LoginGuard}).
 */
public final class ApiAuth implements Processor {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiAuth.class);

    private final Role required;

    private ApiAuth(Role required) {
        this.required = required;
    }

    public static ApiAuth require(Role role) {
        return new ApiAuth(role);
    }

    @Override
    public void process(Exchange exchange) {
        Users.Principal user = authenticate(exchange);
        Role role = user.role();
        if (!role.includes(required)) {
            throw new ApiException(403, "this needs the " + required.name().toLowerCase() + " role; you have "
                    + role.name().toLowerCase());
        }
        exchange.setProperty("role", role);
        exchange.setProperty("user", user.name());
        exchange.setProperty(PRINCIPAL, user);
    }

    /** The exchange property holding the signed-in {@link Users.Principal}. */
    public static final String PRINCIPAL = "targetwatchPrincipal";

    /** The user {@link #require} let through. */
    public static Users.Principal principal(Exchange exchange) {
        return exchange.getProperty(PRINCIPAL, Users.Principal.class);
    }

    /**
     * The partnership a request is about: its {@code partnership} query parameter, else the one partnership the
     * account belongs to, else the only one the service holds; refused (403) when the account does not belong to it,
     * 404 when the service does not hold it, 400 when it is not said and could be several.
     */
    public static targetwatch.routes.service.Tenants.Tenant tenant(Exchange exchange) {
        targetwatch.routes.service.Tenants tenants = exchange.getContext().getRegistry()
                .findSingleByType(targetwatch.routes.service.Tenants.class);
        String asked = exchange.getIn().getHeader("partnership", String.class);
        if (asked == null || asked.isBlank()) {
            Users.Principal user = principal(exchange);
            java.util.List<String> visible = user == null ? java.util.List.copyOf(tenants.ids()) : user.visible(tenants.ids());
            if (visible.size() == 1) {
                asked = visible.get(0);
            } else {
                throw new ApiException(400, "say which partnership (?partnership=" + String.join("|", visible) + ")");
            }
        }
        requirePartnership(exchange, asked);
        String id = asked;
        return tenants.get(id).orElseThrow(() -> new ApiException(404, tenants.notHeld(id)));
    }

    /**
     * Refuses (403, logged) a request for a partnership the user does not belong to: an account of one partnership
     * sees and changes its own only.
     */
    public static void requirePartnership(Exchange exchange, String partnership) {
        Users.Principal user = principal(exchange);
        if (user != null && !user.belongsTo(partnership)) {
            LOG.warn("refused {} a request for partnership {}: the account belongs to {}", PlainText.forLog(user.name()),
                    PlainText.forLog(partnership), String.join(", ", user.partnerships()));
            throw new ApiException(403, "this account belongs to " + String.join(", ", user.partnerships())
                    + ", not to " + partnership);
        }
    }

    /** The user of the request's Basic credentials, else a 401 or 429 {@link ApiException}. */
    static Users.Principal authenticate(Exchange exchange) {
        LoginGuard guard = exchange.getContext().getRegistry().findSingleByType(LoginGuard.class);
        String authorization = exchange.getIn().getHeader("Authorization", String.class);
        exchange.getIn().removeHeader("Authorization");
        LoginGuard.Outcome outcome = guard.basic(authorization, remoteAddress(exchange));
        if (outcome instanceof LoginGuard.Verified v) {
            return v.user();
        }
        if (outcome instanceof LoginGuard.Throttled t) {
            throw new ApiException(429, t.reason() + ": try again in " + t.retryAfterSeconds() + " s", null,
                    java.util.Map.of("Retry-After", String.valueOf(t.retryAfterSeconds())));
        }
        throw new ApiException(401, "sign in with HTTP Basic credentials");
    }

    /** The address the request came from (without its port), as the HTTP server saw it. */
    public static String remoteAddress(Exchange exchange) {
        Object a = exchange.getIn().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        if (a instanceof io.vertx.core.net.SocketAddress s) {
            return s.hostAddress() != null ? s.hostAddress() : s.host();
        }
        return a == null ? "unknown" : a.toString();
    }
}
