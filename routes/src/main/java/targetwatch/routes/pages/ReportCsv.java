package targetwatch.routes.pages;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The quarterly report as CSV, one row per indicator with the same fields and statuses in the same words as the page
 * (RFC 4180, UTF-8 with a byte order mark so that a spreadsheet opens its dashes and quotes as written). Text people
 * wrote (names, commentary) that a spreadsheet would take for a formula is written with a leading apostrophe.
 */
final class ReportCsv {

    static final String[] HEADER = {"partnership", "area", "quarter", "priority", "indicator", "name", "lead", "frequency",
            "period", "actual", "expected", "status", "year_end_period", "year_end_status", "since_previous_period",
            "since_year_before", "commentary", "commentary_by", "commentary_at"};

    private ReportCsv() {
    }

    static String write(ReportViews.Report r) {
        StringWriter out = new StringWriter();
        out.write('\uFEFF');
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (ReportViews.Group g : r.groups()) {
                for (ReportViews.Line l : g.lines()) {
                    csv.printRecord(r.partnership(), r.area(), r.quarter(), g.name(), l.indicator(), text(l.name()),
                            text(l.lead()), l.frequency(), l.period(), number(l.actual()), number(l.expected()),
                            l.status().words(), l.yearEndPeriod(), l.yearEnd().words(), l.sincePrevious(),
                            l.sinceYearBefore(), l.commentary() == null ? "" : text(l.commentary().text()),
                            l.commentary() == null ? "" : text(l.commentary().author()),
                            l.commentary() == null ? "" : l.commentary().writtenAt().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A missing figure is an empty cell, not the page's dash. */
    private static String number(String shown) {
        return "–".equals(shown) ? "" : shown;
    }

    /** Text a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return first) is kept as text. */
    static String text(String s) {
        return !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    }
}
