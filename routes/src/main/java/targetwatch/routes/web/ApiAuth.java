package targetwatch.routes.web;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * Requires a user with at least the given role: 401 without valid credentials, 403 with too small a role, 429 with a
 * Retry-After when the address or the name has failed too often (answered before any password is hashed, by
 * {@link LoginGuard}).
 */
public final class ApiAuth implements Processor {

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
