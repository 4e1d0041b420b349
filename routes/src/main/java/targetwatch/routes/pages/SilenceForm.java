package targetwatch.routes.pages;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLoader;

/**
 * The form that adds a silence, as the secretariat filled it in: what it silences ({@code indicator:ID} or
 * {@code priority:ID}), its last day (day, month and year, as GOV.UK date inputs ask), why, and the contact who answers
 * for it. Checked field by field before it becomes a row of {@code silences.csv} in a new rule set version.
 */
public record SilenceForm(String subject, String day, String month, String year, String reason, String author) {

    /** The longest reason taken: it is read in every held-back event's history. */
    public static final int MAX_REASON = 200;
    static final String INDICATOR = "indicator:";
    static final String PRIORITY = "priority:";

    public SilenceForm {
        subject = strip(subject);
        day = strip(day);
        month = strip(month);
        year = strip(year);
        reason = strip(reason);
        author = strip(author);
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    /** An empty form, its author chosen beforehand (the signed-in person's contact, if they have one). */
    public static SilenceForm empty(String author) {
        return new SilenceForm("", "", "", "", "", author);
    }

    /** The indicator it silences, or null when it silences a priority. */
    public String indicator() {
        return subject.startsWith(INDICATOR) ? subject.substring(INDICATOR.length()) : null;
    }

    /** The priority it silences, or null when it silences an indicator. */
    public String priority() {
        return subject.startsWith(PRIORITY) ? subject.substring(PRIORITY.length()) : null;
    }

    /** The last day it holds, if the three fields make a real date. */
    public Optional<LocalDate> until() {
        if (!day.matches("\\d{1,2}") || !month.matches("\\d{1,2}") || !year.matches("\\d{4}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * What is wrong with the form, field by field, in the order the form asks (empty when nothing is): the subject must
     * be an indicator or a priority of the active targets, the last day a real date from today on, the reason plain
     * text of at most {@value #MAX_REASON} characters, the author a contact id of contacts.csv.
     */
    public List<PageContext.FieldError> problems(RuleSet rules, LocalDate today) {
        List<PageContext.FieldError> errors = new ArrayList<>();
        boolean known = indicator() != null && !rules.targetsFor(indicator()).isEmpty()
                || priority() != null && rules.targets().stream().anyMatch(t -> t.priority().equals(priority()));
        if (!known) {
            errors.add(new PageContext.FieldError("subject", "Choose the indicator or priority to silence"));
        }
        if (day.isEmpty() && month.isEmpty() && year.isEmpty()) {
            errors.add(new PageContext.FieldError("until-day", "Enter the last day of the silence"));
        } else if (until().isEmpty()) {
            errors.add(new PageContext.FieldError(firstDateFieldWrong(), "The last day of the silence must be a real date,"
                    + " with a 4-digit year"));
        } else if (until().get().isBefore(today)) {
            errors.add(new PageContext.FieldError("until-day", "The last day of the silence must be today or in the future"));
        }
        if (reason.isEmpty()) {
            errors.add(new PageContext.FieldError("reason", "Enter why the alerts are silenced"));
        } else if (reason.length() > MAX_REASON) {
            errors.add(new PageContext.FieldError("reason", "The reason must be " + MAX_REASON + " characters or fewer (it has "
                    + reason.length() + ")"));
        } else if (reason.chars().anyMatch(Character::isISOControl)) {
            errors.add(new PageContext.FieldError("reason", "The reason must be plain text on one line"));
        }
        if (rules.contact(author).isEmpty()) {
            errors.add(new PageContext.FieldError("author", "Choose who answers for the silence"));
        }
        return errors;
    }

    private String firstDateFieldWrong() {
        if (!day.matches("\\d{1,2}") || Integer.parseInt(day) < 1 || Integer.parseInt(day) > 31) {
            return "until-day";
        }
        if (!month.matches("\\d{1,2}") || Integer.parseInt(month) < 1 || Integer.parseInt(month) > 12) {
            return "until-month";
        }
        return year.matches("\\d{4}") ? "until-day" : "until-year";
    }

    /**
     * {@code silences.csv} with this silence as a new last row: the active version's text kept as it is (a header
     * alone when it has none), the row quoted where CSV needs it. Call only when {@link #problems} finds none.
     */
    public String appendTo(String silencesCsv) {
        String text = silencesCsv == null || silencesCsv.isBlank() ? "indicator,priority,until,reason,author\n" : silencesCsv;
        StringWriter out = new StringWriter();
        out.write(text.endsWith("\n") ? text : text + "\n");
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build())) {
            printer.printRecord(indicator(), priority(), until().orElseThrow(), reason, author);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The field a rule set error about silences.csv is about, so that its message links there; null for an error in
     * another file or a column the form does not ask for.
     */
    public static String fieldOf(RuleSetError e) {
        if (!RuleSetLoader.SILENCES.equals(e.file())) {
            return null;
        }
        return switch (e.column()) {
            case "indicator", "priority" -> "subject";
            case "until" -> "until-day";
            case "reason" -> "reason";
            case "author" -> "author";
            default -> null;
        };
    }
}
