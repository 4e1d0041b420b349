package targetwatch.routes.pages;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.AckLinks;
import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.Tenants;
import targetwatch.routes.web.ApiAuth;

/**
 * The browser's pages on the service's own port: sign in and out, the alerts ({@code /alerts}, {@code /alerts/{id}}
 * with its acknowledge form), the indicators ({@code /indicators}, {@code /indicators/{indicator}?area=}), the
 * acknowledgement links of alert mails ({@code /ack/{token}}, landing on the same alert page), and the stylesheet and
 * scripts under {@code /assets}. Every page checks the session and the role; every form carries the session's CSRF
 * token; refusals answer with 401 or 403 pages in the same style, and are logged.
 */
public class PageRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(PageRoutes.class);
    private static final int MAX_NOTE = 500;
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9.-]*\\.(css|js|svg|ico|png|woff2?)");
    private static final String ACKNOWLEDGED = "acknowledged";

    @Override
    public void configure() {
        answerRefusalsAsPages(this);
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest()
                .get("/").routeId("page-start").to("direct:page-start")
                .get("/sign-in").routeId("page-sign-in").to("direct:page-sign-in")
                .post("/sign-in").routeId("page-sign-in-take").to("direct:page-sign-in-take")
                .post("/sign-out").routeId("page-sign-out").to("direct:page-sign-out")
                .get("/alerts").routeId("page-alerts").to("direct:page-alerts")
                .get("/alerts/{id}").routeId("page-alert").to("direct:page-alert")
                .post("/alerts/{id}/acknowledge").routeId("page-alert-acknowledge").to("direct:page-alert-acknowledge")
                .get("/indicators").routeId("page-indicators").to("direct:page-indicators")
                .get("/indicators/{indicator}").routeId("page-indicator").to("direct:page-indicator")
                .get("/ack/{token}").routeId("ack-link-page").to("direct:ack-link-page")
                .post("/ack/{token}").routeId("ack-link-confirm").to("direct:ack-link-confirm")
                .get("/assets/{file}").routeId("page-asset").to("direct:page-asset")
                .get("/assets/images/{file}").routeId("page-asset-image").to("direct:page-asset-image");

        from("direct:page-start").routeId("page-start-view")
                .process(exchange -> Web.redirect(exchange, Web.user(exchange).isPresent() ? "/alerts" : "/sign-in"));

        from("direct:page-sign-in").routeId("page-sign-in-view")
                .process(exchange -> signInForm(exchange, 200, Web.safeNext(Web.query(exchange, "next")), "", null, List.of()));

        from("direct:page-sign-in-take").routeId("page-sign-in-check").process(this::signIn);

        from("direct:page-sign-out").routeId("page-sign-out-take")
                .process(exchange -> {
                    Web.checkCsrf(exchange);
                    Web.session(exchange).ifPresent(s -> Web.sessions(exchange).end(s.id()));
                    exchange.setProperty("targetwatch.clear-cookie", true);
                    exchange.removeProperty(Web.SESSION);
                    Web.redirect(exchange, "/sign-in");
                });

        from("direct:page-alerts").routeId("page-alerts-view")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.VIEWER);
                    String priority = blankToNull(Web.query(exchange, "priority"));
                    Set<String> ratings = new LinkedHashSet<>();
                    for (String r : Web.queryValues(exchange, "rating")) {
                        if (List.of("RED", "AMBER", "GREY", "GREEN").contains(r)) {
                            ratings.add(r);
                        }
                    }
                    String state = Optional.ofNullable(Web.query(exchange, "state")).filter(AlertViews.STATES::contains)
                            .orElse("open");
                    AlertViews.AlertList list = AlertViews.list(Web.tenant(exchange).ingest(), user, priority, ratings, state);
                    Web.html(exchange, 200, "alerts.jte", Web.params("page", Web.context(exchange, "Alerts", "alerts"),
                            "list", list));
                });

        from("direct:page-alert").routeId("page-alert-view")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.VIEWER);
                    AlertState alert = alert(exchange);
                    boolean acknowledged = Web.session(exchange).flatMap(s -> Web.sessions(exchange).takeFlash(s))
                            .filter(ACKNOWLEDGED::equals).isPresent();
                    alertPage(exchange, 200, alert, user, null, acknowledged, "", List.of());
                });

        from("direct:page-alert-acknowledge").routeId("page-alert-acknowledge-take")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.LEAD);
                    Web.checkCsrf(exchange);
                    AlertState alert = alert(exchange);
                    if (!AlertViews.mayAcknowledge(user, alert)) {
                        throw new PageException(403, "You cannot acknowledge this alert", "Only the lead officers this"
                                + " alert was sent to can acknowledge it; you answer for "
                                + (user.contacts().isEmpty() ? "no contact" : String.join(", ", user.contacts())) + ".");
                    }
                    String note = Optional.ofNullable(Web.field(exchange, "note")).orElse("").strip();
                    Optional<String> problem = noteProblem(note);
                    if (problem.isPresent()) {
                        alertPage(exchange, 400, alert, user, null, false, note, List.of(new PageContext.FieldError("note",
                                problem.get())));
                        return;
                    }
                    try {
                        Web.tenant(exchange, alert.partnership()).ingest().acknowledge(alert.id(), user.name(), note);
                    } catch (NoSuchAlertException e) {
                        alertPage(exchange, 409, alert, user, null, false, note, List.of(new PageContext.FieldError(null,
                                "This alert resolved before your acknowledgement arrived: there is nothing to acknowledge.")));
                        return;
                    }
                    relay(exchange).nudge();
                    log.info("{} acknowledged alert {} in the pages", user.name(), alert.id());
                    Web.session(exchange).ifPresent(s -> Web.sessions(exchange).flash(s, ACKNOWLEDGED));
                    Web.redirect(exchange, "/alerts/" + alert.id());
                });

        from("direct:page-indicators").routeId("page-indicators-view")
                .process(exchange -> {
                    Web.require(exchange, Role.VIEWER);
                    Web.html(exchange, 200, "indicators.jte", Web.params("page", Web.context(exchange, "Indicators",
                            "indicators"), "rows", IndicatorViews.list(Web.tenant(exchange).ingest())));
                });

        from("direct:page-indicator").routeId("page-indicator-view")
                .process(exchange -> {
                    Web.require(exchange, Role.VIEWER);
                    String indicator = exchange.getIn().getHeader("indicator", String.class);
                    IndicatorViews.IndicatorPage p = IndicatorViews.page(Web.tenant(exchange).ingest(), indicator,
                                    blankToNull(Web.query(exchange, "area")))
                            .orElseThrow(() -> new PageException(404, "No such indicator",
                                    "No target of the active rule set has this indicator."));
                    Web.html(exchange, 200, "indicator.jte", Web.params("page", Web.context(exchange, p.target().name(),
                            "indicators"), "p", p));
                });

        // the link in an alert mail: a GET (a mail scanner following it) only shows the alert page with the form;
        // its POST acknowledges, once, as the recipient the link was sent to
        from("direct:ack-link-page").routeId("ack-link-page-view")
                .process(exchange -> {
                    AckLinks.Verified link = verified(exchange);
                    AlertState alert = openAlertOf(exchange, link);
                    linkPage(exchange, 200, alert, link, false, "", List.of());
                });

        from("direct:ack-link-confirm").routeId("ack-link-confirm-take")
                .process(exchange -> {
                    AckLinks.Verified link = verified(exchange);
                    String note = Optional.ofNullable(Web.field(exchange, "note"))
                            .or(() -> Optional.ofNullable(uncheckedField(exchange, "comment"))).orElse("").strip();
                    Optional<String> problem = noteProblem(note);
                    AlertState alert = openAlertOf(exchange, link);
                    if (problem.isPresent()) {
                        linkPage(exchange, 400, alert, link, false, note, List.of(new PageContext.FieldError("note",
                                problem.get())));
                        return;
                    }
                    Tenants service = service(exchange);
                    if (!service.store().useToken(link.tokenId(), link.alertId(), Instant.now())) {
                        throw linkRefused(new AckLinks.Refused(AckLinks.Refused.Why.USED));
                    }
                    try {
                        service.acknowledge(link.alertId(), link.recipient(), note);
                    } catch (NoSuchAlertException e) {
                        throw closed();
                    }
                    relay(exchange).nudge();
                    log.info("{} acknowledged alert {} with the link in a mail", link.recipient(), link.alertId());
                    linkPage(exchange, 200, service.store().alert(link.alertId()).orElse(alert), link, true, "", List.of());
                });

        from("direct:page-asset").routeId("page-asset-send").process(exchange -> asset(exchange, ""));
        from("direct:page-asset-image").routeId("page-asset-image-send").process(exchange -> asset(exchange, "images/"));
    }

    // ---- sign in

    private void signIn(Exchange exchange) throws IOException {
        Web.checkCsrf(exchange);
        String name = Optional.ofNullable(Web.field(exchange, "name")).orElse("").strip();
        String password = Optional.ofNullable(Web.field(exchange, "password")).orElse("");
        String next = Web.safeNext(Web.field(exchange, "next"));
        if (name.isEmpty() || password.isEmpty()) {
            signInForm(exchange, 400, next, name, null, List.of(new PageContext.FieldError("name",
                    "Enter your user name and password")));
            return;
        }
        LoginGuard.Outcome outcome = exchange.getContext().getRegistry().findSingleByType(LoginGuard.class)
                .check(name, password, ApiAuth.remoteAddress(exchange), "sign-in form");
        if (outcome instanceof LoginGuard.Throttled t) {
            signInForm(exchange, 429, next, name, null, List.of(new PageContext.FieldError("name",
                    "Too many wrong passwords: wait " + waitInWords(t.retryAfterSeconds())
                            + ", or ask an administrator to reset your password")));
            exchange.getMessage().setHeader("Retry-After", String.valueOf(t.retryAfterSeconds()));
            return;
        }
        if (!(outcome instanceof LoginGuard.Verified)) {
            signInForm(exchange, 401, next, name, null, List.of(new PageContext.FieldError("name",
                    "The user name or password is not right")));
            return;
        }
        Users.Account account = Web.users(exchange).account(name).orElseThrow();
        Sessions.Session previous = Web.session(exchange).orElse(null);
        Sessions.Session s = Web.sessions(exchange).signedIn(previous == null ? null : previous.id(), name, account.hash());
        exchange.setProperty(Web.SESSION, s);
        exchange.setProperty("targetwatch.set-cookie", s.id());
        log.info("{} signed in ({})", name, account.role().name().toLowerCase());
        Web.redirect(exchange, next);
    }

    /** A wait in words: "40 seconds", "1 minute", "15 minutes" (rounded up). */
    static String waitInWords(long seconds) {
        if (seconds < 60) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }

    private static void signInForm(Exchange exchange, int status, String next, String name, String message,
                                   List<PageContext.FieldError> errors) {
        PageContext page = Web.context(exchange, "Sign in", null).withErrors(errors);
        Web.html(exchange, status, "signin.jte", Web.params("page", page, "next", next, "name", name, "message", message));
    }

    /**
     * Makes the routes of a builder of pages answer a {@link PageException} with its status on a page in the service's
     * style (logged when it is a 401 or 403), and any other failure with a 500 page that says nothing was changed.
     */
    static void answerRefusalsAsPages(RouteBuilder routes) {
        routes.onException(PageException.class).handled(true).process(PageRoutes::refused);
        routes.onException(Exception.class).handled(true).process(PageRoutes::failed);
    }

    /** Answers a refusal in the pages' style: the sign-in form for 401, the error page otherwise. */
    static void refused(Exchange exchange) {
        PageException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, PageException.class);
        String who = Web.user(exchange).map(Users.Principal::name).orElse("nobody signed in");
        if (e.status() == 401 || e.status() == 403) {
            LOG.warn("refused {} {} to {}: {}", PlainText.forLog(exchange.getIn().getHeader(Exchange.HTTP_METHOD)),
                    PlainText.forLog(Web.here(exchange)), PlainText.forLog(who), PlainText.forLog(e.getMessage()));
        }
        if (e.status() == 401) {
            String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
            signInForm(exchange, 401, Web.safeNext("GET".equals(method) ? Web.here(exchange) : null), "", e.getMessage(),
                    List.of());
            return;
        }
        Web.html(exchange, e.status(), "error.jte", Web.params("page", Web.context(exchange, e.title(), null),
                "status", e.status(), "message", e.getMessage()));
    }

    /** Answers a page that failed on the service's side: logged, and a 500 page saying nothing was changed. */
    static void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("page {} failed", Web.here(exchange), e);
        Web.html(exchange, 500, "error.jte", Web.params("page", Web.context(exchange, "Sorry, there is a problem",
                null), "status", 500, "message", "Something went wrong on our side and nothing was changed. Try again"
                + " later; if it keeps happening, tell the partnership's administrator."));
    }

    // ---- alerts

    private static void alertPage(Exchange exchange, int status, AlertState alert, Users.Principal user, AckLinks.Verified link,
                                  boolean acknowledged, String note, List<PageContext.FieldError> errors) {
        AlertViews.AlertPage a = AlertViews.page(Web.tenant(exchange, alert.partnership()).ingest(), alert, user, null,
                "/alerts/" + alert.id() + "/acknowledge", acknowledged, note);
        PageContext page = Web.context(exchange, a.name() + " in " + alert.area(), "alerts").withErrors(errors);
        Web.html(exchange, status, "alert.jte", Web.params("page", page, "a", a));
    }

    /** The alert page as a mail's link shows it: no session needed, the form acknowledges as the link's recipient. */
    private static void linkPage(Exchange exchange, int status, AlertState alert, AckLinks.Verified link,
                                 boolean acknowledged, String note, List<PageContext.FieldError> errors) {
        String token = exchange.getIn().getHeader("token", String.class);
        // a signed acknowledgement link is its own authority: the page is the alert's partnership's, for whoever holds it
        Tenants.Tenant tenant = service(exchange).require(alert.partnership());
        AlertViews.AlertPage a = AlertViews.page(tenant.ingest(), alert, null, link.recipient(), "/ack/" + token,
                acknowledged, note);
        Users.Principal user = Web.user(exchange).orElse(null);
        PageContext page = new PageContext(a.name() + " in " + alert.area(), user,
                user == null ? null : Web.sessionOrNew(exchange).csrf(), "alerts", List.of(), tenant.partnership(), List.of())
                .withErrors(errors);
        Web.html(exchange, status, "alert.jte", Web.params("page", page, "a", acknowledged
                ? new AlertViews.AlertPage(a.alert(), a.name(), a.headline(), a.gap(), a.definition(), a.lead(), a.chart(),
                a.table(), a.history(), false, null, a.acknowledgeAction(), a.acknowledgeAs(), true, "", a.partnerNote()) : a));
    }

    private static AckLinks.Verified verified(Exchange exchange) {
        String token = exchange.getIn().getHeader("token", String.class);
        try {
            return exchange.getContext().getRegistry().findSingleByType(AckLinks.class).verify(token);
        } catch (AckLinks.Refused e) {
            throw linkRefused(e);
        }
    }

    private static PageException linkRefused(AckLinks.Refused e) {
        return switch (e.why()) {
            case FORGED -> new PageException(403, "Link not accepted", e.getMessage());
            case EXPIRED -> new PageException(410, "Link expired", e.getMessage());
            case USED -> new PageException(409, "Link already used", e.getMessage());
        };
    }

    private static AlertState openAlertOf(Exchange exchange, AckLinks.Verified link) {
        return service(exchange).store().alert(link.alertId()).filter(AlertState::isOpen).orElseThrow(PageRoutes::closed);
    }

    private static PageException closed() {
        return new PageException(404, "Alert already closed",
                "This alert has resolved since the mail was sent: there is nothing to acknowledge.");
    }

    private static AlertState alert(Exchange exchange) {
        String id = exchange.getIn().getHeader("id", String.class);
        return service(exchange).store().alert(id).orElseThrow(() -> new PageException(404, "No such alert",
                "There is no alert with this address. It may have been mistyped."));
    }

    /** Why a note cannot be taken, if it cannot: it is required, plain text, at most 500 characters. */
    static Optional<String> noteProblem(String note) {
        return textProblem(note, "Enter what is being done about the alert", "The note", MAX_NOTE);
    }

    /** Why a text a person wrote cannot be taken, if it cannot: it is required, plain text, at most {@code max} characters. */
    static Optional<String> textProblem(String text, String missing, String what, int max) {
        if (text.isEmpty()) {
            return Optional.of(missing);
        }
        if (text.length() > max) {
            return Optional.of(what + " must be " + max + " characters or fewer (it has " + text.length() + ")");
        }
        if (text.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\r' && ch != '\t')) {
            return Optional.of(what + " must be plain text");
        }
        return Optional.empty();
    }

    /** A form field read without a session (the mail link's form has no CSRF token: the link itself is the secret). */
    private static String uncheckedField(Exchange exchange, String name) {
        try {
            return Web.field(exchange, name);
        } catch (IOException e) {
            return null;
        }
    }

    // ---- assets

    private static void asset(Exchange exchange, String folder) throws IOException {
        String file = exchange.getIn().getHeader("file", String.class);
        if (file == null || !ASSET.matcher(file).matches()) {
            throw new PageException(404, "Page not found", "There is no such file.");
        }
        byte[] data;
        try (InputStream in = PageRoutes.class.getResourceAsStream("/web/assets/" + folder + file)) {
            if (in == null) {
                throw new PageException(404, "Page not found", "There is no such file.");
            }
            data = in.readAllBytes();
        }
        String ext = file.substring(file.lastIndexOf('.') + 1);
        String type = Map.of("css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml",
                "ico", "image/x-icon", "png", "image/png", "woff", "font/woff", "woff2", "font/woff2").get(ext);
        Web.answer(exchange, 200, type);
        exchange.getMessage().setHeader("Cache-Control", "public, max-age=3600");
        exchange.getMessage().setBody(data);
    }

    private static Tenants service(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(Tenants.class);
    }

    private static OutboxRelay relay(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
