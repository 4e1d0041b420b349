package targetwatch.routes.web;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/** Requires a user with at least the given role: 401 without valid credentials, 403 with too small a role. */
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
        Users users = exchange.getContext().getRegistry().findSingleByType(Users.class);
        String authorization = exchange.getIn().getHeader("Authorization", String.class);
        exchange.getIn().removeHeader("Authorization");
        Users.Principal user = users.authenticate(authorization)
                .orElseThrow(() -> new ApiException(401, "sign in with HTTP Basic credentials"));
        Role role = user.role();
        if (!role.includes(required)) {
            throw new ApiException(403, "this needs the " + required.name().toLowerCase() + " role; you have "
                    + role.name().toLowerCase());
        }
        exchange.setProperty("role", role);
        exchange.setProperty("user", user.name());
    }
}
