package targetwatch.routes.pages;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Slugs;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.Commentary;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.IngestService;

/**
 * The board and scrutiny's quarterly report: {@code /report?period=2015-Q4} as a page, {@code /report.pdf} as a
 * printable A4 document for committee papers and {@code /report.csv} with one row per indicator, all three from one
 * {@link ReportViews.Report} (any signed-in user reads them); and the commentary of an indicator for a quarter,
 * written on {@code /report/commentary/{indicator}} by its lead officer or the secretariat (a form with the session's
 * CSRF token). Refusals are pages in the service's style, as the other pages' are.
 */
public class ReportRoutes extends RouteBuilder {

    private static final String SAVED = "commentary-saved:";

    @Override
    public void configure() {
        PageRoutes.answerRefusalsAsPages(this);

        rest()
                .get("/report").routeId("page-report").to("direct:page-report")
                .get("/report.pdf").routeId("page-report-pdf").to("direct:page-report-pdf")
                .get("/report.csv").routeId("page-report-csv").to("direct:page-report-csv")
                .get("/report/commentary/{indicator}").routeId("page-commentary").to("direct:page-commentary")
                .post("/report/commentary/{indicator}").routeId("page-commentary-save").to("direct:page-commentary-save");

        from("direct:page-report").routeId("page-report-view")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.VIEWER);
                    String saved = Web.session(exchange).flatMap(s -> Web.sessions(exchange).takeFlash(s))
                            .filter(f -> f.startsWith(SAVED)).map(f -> f.substring(SAVED.length())).orElse(null);
                    ReportViews.Report r = report(exchange, user, Web.query(exchange, "period"),
                            Web.query(exchange, "partnership"), Web.query(exchange, "area"), saved);
                    Web.html(exchange, 200, "report.jte", Web.params("page", Web.context(exchange, "Performance report "
                            + r.quarter(), "report"), "r", r));
                });

        from("direct:page-report-pdf").routeId("page-report-pdf-send")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.VIEWER);
                    ReportViews.Report r = report(exchange, user, Web.query(exchange, "period"),
                            Web.query(exchange, "partnership"), Web.query(exchange, "area"), null);
                    byte[] pdf = ReportPdf.render(Templates.render("report-pdf.jte", Web.params("r", r)));
                    Web.answer(exchange, 200, "application/pdf");
                    exchange.getMessage().setHeader("Content-Disposition", "inline; filename=\"" + fileName(r) + ".pdf\"");
                    exchange.getMessage().setBody(pdf);
                });

        from("direct:page-report-csv").routeId("page-report-csv-send")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.VIEWER);
                    ReportViews.Report r = report(exchange, user, Web.query(exchange, "period"),
                            Web.query(exchange, "partnership"), Web.query(exchange, "area"), null);
                    Web.answer(exchange, 200, "text/csv; charset=utf-8");
                    exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + fileName(r) + ".csv\"");
                    exchange.getMessage().setBody(ReportCsv.write(r).getBytes(StandardCharsets.UTF_8));
                });

        from("direct:page-commentary").routeId("page-commentary-view")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.LEAD);
                    ReportViews.Report r = report(exchange, user, Web.query(exchange, "period"),
                            Web.query(exchange, "partnership"), Web.query(exchange, "area"), null);
                    ReportViews.Line line = commentable(exchange, r, user);
                    commentaryForm(exchange, 200, r, line, line.commentary() == null ? "" : line.commentary().text(),
                            List.of());
                });

        from("direct:page-commentary-save").routeId("page-commentary-take")
                .process(exchange -> {
                    Users.Principal user = Web.require(exchange, Role.LEAD);
                    Web.checkCsrf(exchange);
                    ReportViews.Report r = report(exchange, user, Web.field(exchange, "period"),
                            Web.field(exchange, "partnership"), Web.field(exchange, "area"), null);
                    ReportViews.Line line = commentable(exchange, r, user);
                    String text = Optional.ofNullable(Web.field(exchange, "commentary")).orElse("").strip()
                            .replace("\r\n", "\n");
                    Optional<String> problem = PageRoutes.textProblem(text, "Enter the commentary", "The commentary",
                            Commentary.MAX_LENGTH);
                    if (problem.isPresent()) {
                        commentaryForm(exchange, 400, r, line, text, List.of(new PageContext.FieldError("commentary",
                                problem.get())));
                        return;
                    }
                    IngestService service = service(exchange);
                    service.store().addCommentary(new Commentary(r.partnership(), line.indicator(), r.area(), r.quarter(),
                            text, user.name(), service.clock().instant()));
                    log.info("{} wrote the {} commentary on {} in {}", user.name(), r.quarter(), line.indicator(), r.area());
                    Web.session(exchange).ifPresent(s -> Web.sessions(exchange).flash(s, SAVED + line.indicator()));
                    Web.redirect(exchange, "/report?" + r.query() + "#" + line.indicator());
                });
    }

    /** The report asked for, or a 404 page for a quarter, partnership or area it cannot be about. */
    private static ReportViews.Report report(Exchange exchange, Users.Principal user, String period, String partnership,
                                             String area, String saved) {
        IngestService service = service(exchange);
        List<Assessment> assessments = service.assessments();
        ReportViews.Scope usual = ReportViews.scope(assessments, null, null);
        String p = known(partnership, "partnership", usual.partnership(), assessments.stream().map(Assessment::partnership));
        ReportViews.Scope scope = ReportViews.scope(assessments, p, null);
        String a = known(area, "area", scope.area(), assessments.stream().filter(x -> x.partnership().equals(scope.partnership()))
                .map(Assessment::area));
        return ReportViews.report(service.ruleSet(), assessments, service.store(), user, quarter(period, service),
                new ReportViews.Scope(scope.partnership(), a == null ? scope.area() : a), service.clock().instant(), saved);
    }

    /**
     * A partnership or area asked for: null when none was, else the one asked if readings came for it or it is the
     * one the report would show anyway (a report before any reading).
     */
    private static String known(String asked, String what, String usual, java.util.stream.Stream<String> seen) {
        if (asked == null || asked.isBlank()) {
            return null;
        }
        if (!Slugs.isSlug(asked) || !(asked.equals(usual) || seen.anyMatch(asked::equals))) {
            throw new PageException(404, "No such " + what, "No readings have come for this " + what + ", so there is"
                    + " nothing to report on it.");
        }
        return asked;
    }

    private static Period quarter(String asked, IngestService service) {
        if (asked == null || asked.isBlank()) {
            return ReportViews.defaultQuarter(java.time.LocalDate.ofInstant(service.clock().instant(), Words.LONDON));
        }
        try {
            Period p = Period.parse(asked);
            if (p.frequency() == Frequency.QUARTER) {
                return p;
            }
        } catch (IllegalArgumentException e) {
            // answered below, as any other text that is not a quarter
        }
        throw new PageException(404, "No such quarter", "The report is by calendar quarter: ask for one such as 2015-Q4"
                + " (October to December 2015).");
    }

    /** The line whose commentary the user asks to write, if the user may write it. */
    private static ReportViews.Line commentable(Exchange exchange, ReportViews.Report r, Users.Principal user) {
        String indicator = exchange.getIn().getHeader("indicator", String.class);
        ReportViews.Line line = r.line(indicator).orElseThrow(() -> new PageException(404, "No such indicator",
                "No target of the active rule set has this indicator."));
        if (!line.mayComment()) {
            Target t = service(exchange).ruleSet().targetFor(r.partnership(), indicator).orElseThrow();
            throw new PageException(403, "You cannot write this commentary", "Only the indicator's lead officer ("
                    + line.lead() + ", contact " + t.lead() + ") or the secretariat can write it; you answer for "
                    + (user.contacts().isEmpty() ? "no contact" : String.join(", ", user.contacts())) + ".");
        }
        return line;
    }

    private static void commentaryForm(Exchange exchange, int status, ReportViews.Report r, ReportViews.Line line,
                                       String text, List<PageContext.FieldError> errors) {
        PageContext page = Web.context(exchange, "Commentary on " + line.name(), "report").withErrors(errors);
        Web.html(exchange, status, "commentary.jte", Web.params("page", page, "r", r, "line", line, "text", text,
                "max", Commentary.MAX_LENGTH));
    }

    private static String fileName(ReportViews.Report r) {
        return "targetwatch-report-" + r.partnership() + "-" + r.area() + "-" + r.quarter();
    }

    /** The report's partnership's service: a board member reads their own partnership's report. */
    private static IngestService service(Exchange exchange) {
        return Web.tenant(exchange).ingest();
    }
}
