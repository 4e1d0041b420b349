package targetwatch.routes.pages;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;

import targetwatch.routes.Settings;
import targetwatch.routes.service.Tenants;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * What the page routes share: the session from its cookie, the role check, the CSRF check of every form, form
 * fields, and answering with a rendered template or a redirect, with the headers every page carries.
 */
final class Web {

    static final String SESSION = "targetwatch.session";
    static final String USER = "targetwatch.user";
    private static final String FORM = "targetwatch.form";
    private static final int MAX_FORM = 64 * 1024;
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private Web() {
    }

    static Sessions sessions(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Sessions.class);
    }

    static Users users(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Users.class);
    }

    /** The live session of the request's cookie, if any. */
    static Optional<Sessions.Session> session(Exchange exchange) {
        Sessions.Session cached = exchange.getProperty(SESSION, Sessions.Session.class);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Sessions.Session> s = sessions(exchange).find(cookie(exchange, Sessions.COOKIE));
        s.ifPresent(x -> exchange.setProperty(SESSION, x));
        return s;
    }

    /** The session of the request, or a new anonymous one (its cookie set on the answer) for a sign-in form. */
    static Sessions.Session sessionOrNew(Exchange exchange) {
        return session(exchange).orElseGet(() -> {
            Sessions.Session s = sessions(exchange).anonymous();
            exchange.setProperty(SESSION, s);
            exchange.setProperty("targetwatch.set-cookie", s.id());
            return s;
        });
    }

    /** The user signed in, if the session is one and its account is still enabled with the same password. */
    static Optional<Users.Principal> user(Exchange exchange) {
        Users.Principal cached = exchange.getProperty(USER, Users.Principal.class);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Sessions.Session> s = session(exchange).filter(Sessions.Session::signedIn);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<Users.Account> a = users(exchange).account(s.get().user())
                .filter(acc -> !acc.disabled() && Sessions.sameHash(s.get(), acc.hash()));
        if (a.isEmpty()) {
            sessions(exchange).end(s.get().id());
            exchange.removeProperty(SESSION);
            return Optional.empty();
        }
        Users.Principal p = new Users.Principal(a.get().name(), a.get().role(), a.get().contacts(), a.get().partnerships());
        exchange.setProperty(USER, p);
        return Optional.of(p);
    }

    /**
     * The user signed in with at least the role: else a 401 page (with the sign-in form) or a 403 page naming the role
     * needed. Refusals are logged by the page routes' error handler.
     */
    static Users.Principal require(Exchange exchange, Role role) {
        Users.Principal p = user(exchange).orElseThrow(() -> new PageException(401, "Sign in to targetwatch",
                "Sign in to see this page."));
        if (!p.may(role)) {
            throw new PageException(403, "You cannot do this",
                    "This needs the " + role.name().toLowerCase() + " role; you are signed in as " + p.name() + " with the "
                            + p.role().name().toLowerCase() + " role. Ask an administrator if you need more.");
        }
        return p;
    }

    /** Refuses a form whose CSRF token is missing or not the session's (a forged cross-site request). */
    static void checkCsrf(Exchange exchange) throws IOException {
        Optional<Sessions.Session> s = session(exchange);
        if (s.isEmpty() || !Sessions.csrfMatches(s.get(), field(exchange, "csrf"))) {
            throw new PageException(403, "This form has expired",
                    "The form was not sent from a targetwatch page open in this session (its security token is missing or"
                            + " wrong), so nothing was changed. Go back, reload the page and try again.");
        }
    }

    /** The context for a page's layout: its partnership the one {@link #tenant} chose, or the user's first. */
    static PageContext context(Exchange exchange, String title, String section) {
        Users.Principal p = user(exchange).orElse(null);
        Tenants tenants = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
        Tenants.Tenant chosen = exchange.getProperty(TENANT, Tenants.Tenant.class);
        List<String> visible = p == null ? List.of() : p.visible(tenants.ids());
        if (chosen == null && p == null) {
            // signed out: a service of one partnership is still that partnership's
            chosen = tenants.only().orElse(null);
        }
        if (chosen == null && !visible.isEmpty()) {
            Sessions sessions = exchange.getContext().getRegistry().findSingleByType(Sessions.class);
            chosen = tenants.require(session(exchange).flatMap(sessions::chosenPartnership).filter(visible::contains)
                    .orElse(visible.get(0)));
        }
        return new PageContext(title, p, sessionOrNew(exchange).csrf(), section, List.of(),
                chosen == null ? null : chosen.partnership(),
                visible.stream().map(id -> tenants.require(id).partnership()).toList());
    }

    private static final String TENANT = "targetwatchPageTenant";

    /**
     * The partnership a page is about: its {@code partnership} query parameter, else the first the user belongs to.
     * Refused (403, logged) for a partnership the user does not belong to; 404 for one the service does not hold.
     */
    static Tenants.Tenant tenant(Exchange exchange) {
        return tenant(exchange, query(exchange, "partnership"));
    }

    /** The page's partnership when the page's subject names it (an alert's): checked as {@link #tenant(Exchange)}. */
    static Tenants.Tenant tenant(Exchange exchange, String askedFor) {
        Users.Principal p = user(exchange).orElseThrow(() -> new PageException(401, "Sign in to targetwatch",
                "Sign in to see this page."));
        Tenants tenants = exchange.getContext().getRegistry().findSingleByType(Tenants.class);
        List<String> visible = p.visible(tenants.ids());
        Optional<Sessions.Session> session = session(exchange);
        Sessions sessions = exchange.getContext().getRegistry().findSingleByType(Sessions.class);
        String id;
        final String asked = askedFor;
        if (asked == null || asked.isBlank()) {
            // the one chosen last in this session, else the user's first
            id = session.flatMap(sessions::chosenPartnership).filter(visible::contains)
                    .orElse(visible.isEmpty() ? null : visible.get(0));
        } else {
            id = asked;
            if (p.belongsTo(asked) && tenants.get(asked).isPresent()) {
                session.ifPresent(x -> sessions.choosePartnership(x, asked));
            }
        }
        if (id == null || !p.belongsTo(id)) {
            org.slf4j.LoggerFactory.getLogger(Web.class).warn("refused {} a page of partnership {}",
                    targetwatch.engine.model.PlainText.forLog(p.name()), targetwatch.engine.model.PlainText.forLog(String.valueOf(id)));
            throw new PageException(403, "Not your partnership",
                    "Your account belongs to " + String.join(", ", p.partnerships()) + ": this page is another partnership's.");
        }
        String held = id;
        Tenants.Tenant t = tenants.get(held).orElseThrow(() -> new PageException(404, "No such partnership",
                "targetwatch holds no partnership with this name."));
        exchange.setProperty(TENANT, t);
        return t;
    }

    // ---- requests

    static String cookie(Exchange exchange, String name) {
        String header = exchange.getIn().getHeader("Cookie", String.class);
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** A query parameter (the first, if repeated), or null. */
    static String query(Exchange exchange, String name) {
        List<String> v = queryValues(exchange, name);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a query parameter, as checkboxes send them. */
    static List<String> queryValues(Exchange exchange, String name) {
        String q = exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        return q == null ? List.of() : decode(q).getOrDefault(name, List.of());
    }

    /** A field of the request's url-encoded form, or null. */
    static String field(Exchange exchange, String name) throws IOException {
        List<String> v = form(exchange).get(name);
        if (v != null && !v.isEmpty()) {
            return v.get(0);
        }
        // the HTTP server may have taken the fields out of the body into headers already
        Object h = exchange.getIn().getHeader(name);
        if (h instanceof Collection<?> c) {
            return c.isEmpty() ? null : String.valueOf(c.iterator().next());
        }
        return h == null ? null : String.valueOf(h);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> form(Exchange exchange) throws IOException {
        Map<String, List<String>> cached = exchange.getProperty(FORM, Map.class);
        if (cached != null) {
            return cached;
        }
        String type = String.valueOf(exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class)).toLowerCase();
        Map<String, List<String>> fields = Map.of();
        if (type.startsWith("application/x-www-form-urlencoded")) {
            InputStream in = exchange.getIn().getBody(InputStream.class);
            byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_FORM + 1);
            if (body.length > MAX_FORM) {
                throw new PageException(413, "Too much text", "The form holds more than " + MAX_FORM / 1024 + " KB.");
            }
            fields = decode(new String(body, StandardCharsets.UTF_8));
        }
        exchange.setProperty(FORM, fields);
        return fields;
    }

    private static Map<String, List<String>> decode(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            } catch (IllegalArgumentException e) {
                // a malformed pair is left out, as browsers never send one
            }
        }
        return out;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The path and query of the request, to come back to after signing in. */
    static String here(Exchange exchange) {
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        String uri = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        String p = uri != null ? uri : path == null ? "/" : path;
        String q = exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        return p + (q == null || q.isEmpty() || p.contains("?") ? "" : "?" + q);
    }

    /** Only a path on this service may be where sign-in leads: never another site (an open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n") || next.startsWith("/sign-")) {
            return "/alerts";
        }
        return next;
    }

    // ---- answers

    /** Answers with a template rendered, and the headers every page carries. */
    static void html(Exchange exchange, int status, String template, Map<String, Object> params) {
        String body = Templates.render(template, params);
        answer(exchange, status, "text/html; charset=utf-8");
        exchange.getMessage().setBody(body);
    }

    /** Answers 303 See Other: after a form, the browser asks for the page with GET. */
    static void redirect(Exchange exchange, String location) {
        answer(exchange, 303, null);
        exchange.getMessage().setHeader("Location", location);
        exchange.getMessage().setBody("");
    }

    static void answer(Exchange exchange, int status, String type) {
        String setCookie = exchange.getProperty("targetwatch.set-cookie", String.class);
        boolean clear = Boolean.TRUE.equals(exchange.getProperty("targetwatch.clear-cookie", Boolean.class));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (type != null) {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, type);
        }
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setHeader("Content-Security-Policy", POLICY);
        exchange.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        exchange.getMessage().setHeader("X-Frame-Options", "DENY");
        exchange.getMessage().setHeader("Referrer-Policy", "same-origin");
        boolean secure = new Settings(exchange.getContext()).get("targetwatch.public-url").startsWith("https:");
        if (setCookie != null) {
            exchange.getMessage().setHeader("Set-Cookie", Sessions.COOKIE + "=" + setCookie
                    + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
        } else if (clear) {
            exchange.getMessage().setHeader("Set-Cookie", Sessions.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                    + (secure ? "; Secure" : ""));
        }
    }

    /** Parameters for a template, in order. */
    static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
