package targetwatch.routes.pages;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

import targetwatch.engine.model.Silence;
import targetwatch.engine.rules.Now;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.RuleSetRejectedException;
import targetwatch.engine.ruleset.TargetsWorkbook;
import targetwatch.engine.store.RuleSetVersion;
import targetwatch.routes.Settings;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.RuleSetService;
import targetwatch.routes.web.ApiException;
import targetwatch.routes.web.Uploads;

/**
 * The secretariat's pages, on {@link RuleSetService}: {@code /rules} (the active version, every version with who made
 * it and when, the silences, and the upload form), an upload checked cell by cell and answered with each
 * {@code file:row:column} error in an error summary or with the preview of the candidate it made
 * ({@code /rules/versions/{version}}: each rating and alert that would change, Activate and Cancel), the same page as the
 * confirmation of a rollback, and a new silence ({@code /rules/silence}) previewed with what it would hold back before
 * it is added as a new version. Only the secretariat (and admin) may open them; every form carries the CSRF token; a
 * candidate is held by its number and refused once another version was activated after it was made.
 */
public class RulePageRoutes extends RouteBuilder {

    /** Flash messages of these pages start with this, so that another page's (an acknowledgement's) is not shown here. */
    private static final String FLASH = "rules:";
    private static final int MAX_COMMENT = 200;
    private static final String SILENCE = "silence";

    @Override
    public void configure() {
        PageRoutes.answerRefusalsAsPages(this);
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        rest()
                .get("/rules").routeId("page-rules").to("direct:page-rules")
                .post("/rules/upload").routeId("page-rules-upload").to("direct:page-rules-upload")
                .get("/rules/targets.xlsx").routeId("page-rules-workbook").to("direct:page-rules-workbook")
                .get("/rules/versions/{version}").routeId("page-rules-version").to("direct:page-rules-version")
                .post("/rules/versions/{version}/activate").routeId("page-rules-activate").to("direct:page-rules-activate")
                .get("/rules/silence").routeId("page-rules-silence-form").to("direct:page-rules-silence-form")
                .post("/rules/silence").routeId("page-rules-silence-check").to("direct:page-rules-silence-check")
                .get("/rules/silence/{version}").routeId("page-rules-silence").to("direct:page-rules-silence");

        from("direct:page-rules").routeId("page-rules-view")
                .process(exchange -> {
                    Web.require(exchange, Role.SECRETARIAT);
                    String banner = Web.session(exchange).flatMap(s -> Web.sessions(exchange).takeFlash(s))
                            .filter(f -> f.startsWith(FLASH)).map(f -> f.substring(FLASH.length())).orElse(null);
                    rulesPage(exchange, 200, banner, "", List.of());
                });

        from("direct:page-rules-upload").routeId("page-rules-upload-check").process(this::upload);

        from("direct:page-rules-workbook").routeId("page-rules-workbook-download")
                .process(exchange -> {
                    Web.require(exchange, Role.SECRETARIAT);
                    byte[] workbook = TargetsWorkbook.fromCsv(ruleSets(exchange).activeFiles().get("targets.csv"));
                    Web.answer(exchange, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
                    exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"targets.xlsx\"");
                    exchange.getMessage().setBody(workbook);
                });

        from("direct:page-rules-version").routeId("page-rules-version-view")
                .process(exchange -> {
                    Web.require(exchange, Role.SECRETARIAT);
                    versionPage(exchange, 200, version(exchange), List.of());
                });

        from("direct:page-rules-activate").routeId("page-rules-activate-take").process(this::activate);

        from("direct:page-rules-silence-form").routeId("page-rules-silence-form-view")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.SECRETARIAT);
                    silenceForm(exchange, 200, SilenceForm.empty(user.contacts().isEmpty() ? "" : user.contacts().get(0)),
                            List.of());
                });

        from("direct:page-rules-silence-check").routeId("page-rules-silence-check-take").process(this::checkSilence);

        from("direct:page-rules-silence").routeId("page-rules-silence-view")
                .process(exchange -> {
                    Web.require(exchange, Role.SECRETARIAT);
                    silencePage(exchange, 200, version(exchange), List.of());
                });
    }

    // ---- the rules page and uploads

    private static void rulesPage(Exchange exchange, int status, String banner, String comment,
                                  List<PageContext.FieldError> errors) {
        RuleViews.RulesPage r = RuleViews.rules(ruleSets(exchange), ingest(exchange).ruleSet(), today(exchange), banner,
                comment, maxUpload(exchange));
        Web.html(exchange, status, "rules.jte", Web.params("page", Web.context(exchange, "Rules", "rules")
                .withErrors(errors), "r", r));
    }

    /**
     * Takes the upload form (multipart: the HTTP server has put the file aside and its fields in headers): one
     * workbook, CSV file or zip, at most {@code targetwatch.pages.max-upload-bytes}; laid over the active version and
     * checked; answered with the candidate's preview, or the rules page listing every error.
     */
    private void upload(Exchange exchange) throws IOException {
        Users.Principal user = Web.require(exchange, Role.SECRETARIAT);
        Web.checkCsrf(exchange);
        String comment = Optional.ofNullable(Web.field(exchange, "comment")).orElse("").strip();
        Object body = exchange.getIn().getBody();
        String name = baseName(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class));
        long max = maxUpload(exchange);
        Optional<String> problem = commentProblem(comment);
        if (problem.isPresent()) {
            rulesPage(exchange, 400, null, comment, List.of(new PageContext.FieldError("comment", problem.get())));
            return;
        }
        if (!(body instanceof File file) || name.isEmpty()) {
            rulesPage(exchange, 400, null, comment, List.of(new PageContext.FieldError("file", "Choose a file to upload")));
            return;
        }
        if (file.length() > max) {
            log.warn("refused a rule set upload from {}: {} is {} bytes, over {}", user.name(), name, file.length(), max);
            String size = RuleViews.megabytes(file.length());
            rulesPage(exchange, 413, null, comment, List.of(new PageContext.FieldError("file", "The selected file must be at"
                    + " most " + RuleViews.megabytes(max) + " (" + name + " is " + (size.equals(RuleViews.megabytes(max))
                    ? "just over" : size) + ")")));
            return;
        }
        byte[] data = Files.readAllBytes(file.toPath());
        Map<String, String> uploaded;
        try {
            uploaded = name.toLowerCase().endsWith(".zip") ? Uploads.unzip(data) : Uploads.file(name, data);
        } catch (ApiException e) {
            log.warn("refused a rule set upload from {}: {} {}", user.name(), e.getMessage(), e.details() == null ? "" : e.details());
            rulesPage(exchange, 422, null, comment, uploadErrors(e));
            return;
        }
        RuleSetService.Submission s = ruleSets(exchange).submitOverActive(uploaded, user.name(),
                comment.isEmpty() ? "uploaded " + name + " in the pages" : comment);
        if (s.refused()) {
            rulesPage(exchange, 422, null, comment, RuleViews.uploadErrors(s.errors(), name.equals(TargetsWorkbook.FILE),
                    uploaded.get(RuleSetLoader.TARGETS)).stream().map(e -> new PageContext.FieldError("file", e)).toList());
            return;
        }
        Web.redirect(exchange, "/rules/versions/" + s.version());
    }

    /** Each reason an upload was refused before its cells were checked, linking to the file field. */
    private static List<PageContext.FieldError> uploadErrors(ApiException e) {
        List<PageContext.FieldError> errors = new ArrayList<>();
        if (e.details() instanceof List<?> details && !details.isEmpty()) {
            details.forEach(d -> errors.add(new PageContext.FieldError("file", String.valueOf(d))));
        } else {
            errors.add(new PageContext.FieldError("file", e.getMessage()));
        }
        return errors;
    }

    /** The name of an uploaded file without the folders some browsers send with it. */
    static String baseName(String name) {
        if (name == null) {
            return "";
        }
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
    }

    static Optional<String> commentProblem(String comment) {
        if (comment.length() > MAX_COMMENT) {
            return Optional.of("The note must be " + MAX_COMMENT + " characters or fewer (it has " + comment.length() + ")");
        }
        if (comment.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("The note must be plain text on one line");
        }
        return Optional.empty();
    }

    // ---- a version: its preview, activation and rollback

    private static int version(Exchange exchange) {
        String v = exchange.getIn().getHeader("version", String.class);
        try {
            int n = Integer.parseInt(v);
            if (ruleSets(exchange).version(n).isPresent()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // not a number: no such version
        }
        throw new PageException(404, "No such version", "There is no rule set version with this number.");
    }

    private static void versionPage(Exchange exchange, int status, int version, List<PageContext.FieldError> errors)
            throws IOException, RuleSetRejectedException {
        RuleSetService service = ruleSets(exchange);
        RuleSetVersion v = service.version(version).orElseThrow();
        int active = service.activeVersion();
        RuleViews.Preview preview = null;
        String whyNot = null;
        boolean mayActivate = RuleSetVersion.CANDIDATE.equals(v.status()) || RuleSetVersion.RETIRED.equals(v.status());
        Optional<RuleSetService.NotAsPreviewed> stale = service.staleness(version);
        if (stale.isPresent()) {
            whyNot = RuleViews.whyNot(stale.get());
        } else if (mayActivate) {
            try (RuleEngine.Rebuilt r = service.preview(version)) {
                preview = RuleViews.preview(ingest(exchange).ruleSet(), r);
            }
        }
        boolean rollback = RuleSetVersion.RETIRED.equals(v.status());
        List<String> refusals = v.errors() == null || v.errors().isBlank() ? List.of() : List.of(v.errors().split("\n"));
        RuleViews.VersionPage p = new RuleViews.VersionPage(RuleViews.row(v), refusals, preview, whyNot, active, rollback);
        String title = switch (v.status()) {
            case RuleSetVersion.CANDIDATE -> "Check version " + version + " before activating it";
            case RuleSetVersion.RETIRED -> "Roll back to version " + version + "?";
            case RuleSetVersion.REFUSED -> "Version " + version + " was refused";
            default -> "Version " + version + " is active";
        };
        Web.html(exchange, status, "rules-version.jte", Web.params("page", Web.context(exchange, title, "rules")
                .withErrors(errors), "p", p));
    }

    /**
     * Activates a version as its page showed it (the version it was compared with is sent back with the form), then
     * answers with the rules page and a banner; a version that cannot be activated as shown comes back with why.
     */
    private void activate(Exchange exchange) throws Exception {
        Users.Principal user = Web.require(exchange, Role.SECRETARIAT);
        Web.checkCsrf(exchange);
        int version = version(exchange);
        boolean silence = SILENCE.equals(Web.field(exchange, "kind"));
        int previewedAgainst;
        try {
            previewedAgainst = Integer.parseInt(Optional.ofNullable(Web.field(exchange, "from")).orElse("").strip());
        } catch (NumberFormatException e) {
            previewedAgainst = -1;
        }
        RuleSetService service = ruleSets(exchange);
        boolean rollback = service.version(version).map(v -> RuleSetVersion.RETIRED.equals(v.status())).orElse(false);
        RuleEngine.Rebuilt r;
        try {
            r = service.activateAsPreviewed(version, previewedAgainst, user.name());
        } catch (RuleSetService.NotAsPreviewed e) {
            log.warn("refused activating rule set version {} for {}: {}", version, user.name(), e.getMessage());
            List<PageContext.FieldError> why = List.of(new PageContext.FieldError(null, RuleViews.whyNot(e)));
            if (silence) {
                silencePage(exchange, 409, version, why);
            } else {
                versionPage(exchange, 409, version, why);
            }
            return;
        }
        exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class).nudge();
        String changed = r.ratings().size() + (r.ratings().size() == 1 ? " rating" : " ratings") + " and "
                + r.alerts().size() + (r.alerts().size() == 1 ? " alert" : " alerts") + " changed.";
        String banner = silence ? "The silence is in force: version " + version + " is active."
                : rollback ? "Rolled back to version " + version + ": " + changed
                : "Version " + version + " is active: " + changed;
        Web.session(exchange).ifPresent(s -> Web.sessions(exchange).flash(s, FLASH + banner));
        Web.redirect(exchange, "/rules");
    }

    // ---- silences

    private static void silenceForm(Exchange exchange, int status, SilenceForm form, List<PageContext.FieldError> errors) {
        RuleSet rules = ingest(exchange).ruleSet();
        Web.html(exchange, status, "rules-silence-form.jte", Web.params("page", Web.context(exchange, "Add a silence",
                "rules").withErrors(errors), "form", form, "rules", rules));
    }

    /** Checks the silence form, then makes a candidate of the active version with the silence added, and previews it. */
    private void checkSilence(Exchange exchange) throws IOException {
        Users.Principal user = Web.require(exchange, Role.SECRETARIAT);
        Web.checkCsrf(exchange);
        SilenceForm form = new SilenceForm(Web.field(exchange, "subject"), Web.field(exchange, "until-day"),
                Web.field(exchange, "until-month"), Web.field(exchange, "until-year"), Web.field(exchange, "reason"),
                Web.field(exchange, "author"));
        RuleSet rules = ingest(exchange).ruleSet();
        List<PageContext.FieldError> problems = form.problems(rules, today(exchange));
        if (!problems.isEmpty()) {
            silenceForm(exchange, 400, form, problems);
            return;
        }
        RuleSetService service = ruleSets(exchange);
        String silences = form.appendTo(service.activeFiles().get(RuleSetLoader.SILENCES));
        String what = form.indicator() != null ? form.indicator() : "priority " + form.priority();
        RuleSetService.Submission s = service.submitOverActive(Map.of(RuleSetLoader.SILENCES, silences), user.name(),
                "silence of " + what + " until " + form.until().orElseThrow() + ": " + form.reason());
        if (s.refused()) {
            silenceForm(exchange, 422, form, s.errors().stream()
                    .map(e -> new PageContext.FieldError(SilenceForm.fieldOf(e), e.toString())).toList());
            return;
        }
        Web.redirect(exchange, "/rules/silence/" + s.version());
    }

    private static void silencePage(Exchange exchange, int status, int version, List<PageContext.FieldError> errors)
            throws IOException, RuleSetRejectedException {
        RuleSetService service = ruleSets(exchange);
        RuleSetVersion v = service.version(version).orElseThrow();
        if (!RuleSetVersion.CANDIDATE.equals(v.status()) && errors.isEmpty()) {
            throw new PageException(404, "No silence to add", "Version " + version + " is not waiting to be activated: a"
                    + " silence it adds is in force already, or it was never one. The silences in force are on the rules page.");
        }
        List<Silence> added = service.addedSilences(version);
        if (added.isEmpty()) {
            throw new PageException(404, "No silence to add", "Version " + version + " adds no silence to the active rule set.");
        }
        String whyNot = service.staleness(version).map(RuleViews::whyNot).orElse(null);
        RuleSetService.SilencePreview preview = service.silencePreview(added);
        RuleViews.SilencePage p = RuleViews.silencePage(version, ingest(exchange).ruleSet(), preview, today(exchange),
                whyNot, service.activeVersion());
        Web.html(exchange, status, "rules-silence.jte", Web.params("page", Web.context(exchange,
                "Check what the silence would hold back", "rules").withErrors(errors), "p", p));
    }

    // ---- shared

    private static LocalDate today(Exchange exchange) {
        return LocalDate.ofInstant(ingest(exchange).clock().instant(), Now.ZONE);
    }

    private static long maxUpload(Exchange exchange) {
        return Long.parseLong(new Settings(exchange.getContext()).get("targetwatch.pages.max-upload-bytes"));
    }

    /** The rule sets of the page's partnership: a secretariat changes its own partnership's only. */
    private static RuleSetService ruleSets(Exchange exchange) {
        return Web.tenant(exchange).rules();
    }

    private static IngestService ingest(Exchange exchange) {
        return Web.tenant(exchange).ingest();
    }
}
