package targetwatch.routes.pages;

import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Silence;
import targetwatch.engine.model.Target;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetLoader;
import targetwatch.engine.ruleset.TargetsWorkbook;
import targetwatch.engine.store.RuleSetVersion;
import targetwatch.routes.service.RuleSetService;

/**
 * What the secretariat's rules pages show: the active version, every version with who made it and when, the silences,
 * what activating a version would change, and what a new silence would hold back, all in words.
 */
public final class RuleViews {

    /** At most this many changed ratings are listed on a preview; the rest are counted. */
    static final int MAX_RATINGS_SHOWN = 200;

    private RuleViews() {
    }

    /** One version in the list: its status in words, who made it and when, and what may be done with it. */
    public record VersionRow(int version, String status, String tag, String madeBy, String madeAt, String comment,
                             String activatedAt, String action, String href) {
    }

    /** One silence: what it silences, its last day, why, who answers for it, and whether it holds today. */
    public record SilenceRow(String subject, String until, String reason, String author, boolean inForce) {
    }

    /** The rules page. */
    public record RulesPage(VersionRow active, List<VersionRow> versions, List<SilenceRow> silences, String banner,
                            String comment, String maxUpload) {
    }

    /** A rating a version would change: the series' period before and after, each as a word and its figures. */
    public record RatingRow(String indicator, String area, String period, Rating before, String beforeFigures,
                            Rating after, String afterFigures) {
    }

    /** An alert a version would open, close or change, or one a silence would hold back. */
    public record AlertRow(String indicator, String area, String change) {
    }

    /** What activating a version would change. */
    public record Preview(List<RatingRow> ratings, int ratingCount, List<AlertRow> alerts, int events) {
        public int ratingsLeftOut() {
            return ratingCount - ratings.size();
        }
    }

    /**
     * A version's page: what it is, its errors when refused, and for one that may be activated what that would change
     * (null when it may not be: the active one, a refused one, a stale candidate, whose reason is {@code whyNot}).
     */
    public record VersionPage(VersionRow row, List<String> errors, Preview preview, String whyNot, int active,
                              boolean rollback) {
        public boolean activatable() {
            return preview != null;
        }
    }

    /** Something a silence would hold back: when it would have been sent, what, about which alert, to whom. */
    public record HeldRow(String when, String what, String alert, String to) {
    }

    /** A silence's preview: the silences it adds, the alerts they cover and what would not be sent until they end. */
    public record SilencePage(int version, List<SilenceRow> silences, List<AlertRow> alerts, List<HeldRow> heldBack,
                              String horizon, String whyNot, int active) {
        public boolean addable() {
            return whyNot == null;
        }
    }

    /** One choice of a select: what the form sends, and what people read. */
    public record Option(String value, String label) {
    }

    /** The indicators a silence may be for, by name, as {@code indicator:ID}. */
    public static List<Option> indicatorOptions(RuleSet rules) {
        return rules.targets().stream().map(t -> new Option(SilenceForm.INDICATOR + t.indicator(), t.name())).distinct()
                .sorted(Comparator.comparing(Option::label)).toList();
    }

    /** The priorities a silence may be for, as {@code priority:ID}. */
    public static List<Option> priorityOptions(RuleSet rules) {
        return rules.targets().stream().map(Target::priority).distinct().sorted()
                .map(p -> new Option(SilenceForm.PRIORITY + p, "Every indicator of " + Words.title(p))).toList();
    }

    /** The contacts who may answer for a silence. */
    public static List<Option> authorOptions(RuleSet rules) {
        return rules.contacts().stream().map(c -> new Option(c.id(), AlertViews.person(c)))
                .sorted(Comparator.comparing(Option::label)).toList();
    }

    static String status(String status) {
        return switch (status) {
            case RuleSetVersion.ACTIVE -> "Active";
            case RuleSetVersion.CANDIDATE -> "Not activated";
            case RuleSetVersion.RETIRED -> "Earlier version";
            case RuleSetVersion.REFUSED -> "Refused";
            default -> Words.title(status.toLowerCase());
        };
    }

    static String tag(String status) {
        return switch (status) {
            case RuleSetVersion.ACTIVE -> "govuk-tag--green";
            case RuleSetVersion.CANDIDATE -> "govuk-tag--blue";
            case RuleSetVersion.REFUSED -> "govuk-tag--red";
            default -> "govuk-tag--grey";
        };
    }

    static VersionRow row(RuleSetVersion v) {
        String action = switch (v.status()) {
            case RuleSetVersion.CANDIDATE -> "Check and activate";
            case RuleSetVersion.RETIRED -> "Roll back to this version";
            case RuleSetVersion.REFUSED -> "See why it was refused";
            default -> "See this version";
        };
        return new VersionRow(v.version(), status(v.status()), tag(v.status()), v.createdBy(), Words.when(v.createdAt()),
                v.comment() == null ? "" : v.comment(), Words.when(v.activatedAt()), action, "/rules/versions/" + v.version());
    }

    static RulesPage rules(RuleSetService service, RuleSet active, LocalDate today, String banner, String comment,
                           long maxUploadBytes) {
        List<RuleSetVersion> versions = service.versions().stream()
                .sorted(Comparator.comparingInt(RuleSetVersion::version).reversed()).toList();
        VersionRow activeRow = versions.stream().filter(v -> RuleSetVersion.ACTIVE.equals(v.status())).findFirst()
                .map(RuleViews::row).orElse(null);
        return new RulesPage(activeRow, versions.stream().map(RuleViews::row).toList(), silences(active, active.silences(),
                today), banner, comment, megabytes(maxUploadBytes));
    }

    /** A size in MB as people say it: "5 MB", "2.5 MB". */
    static String megabytes(long bytes) {
        return Words.number(java.math.BigDecimal.valueOf(bytes).divide(java.math.BigDecimal.valueOf(1024 * 1024), 1,
                java.math.RoundingMode.HALF_UP)) + " MB";
    }

    static List<SilenceRow> silences(RuleSet rules, List<Silence> silences, LocalDate today) {
        return silences.stream().sorted(Comparator.comparing(Silence::until).reversed())
                .map(s -> new SilenceRow(subject(rules, s), Words.day(s.until()), s.reason(),
                        rules.contact(s.author()).map(AlertViews::person).orElse(s.author()), s.activeOn(today)))
                .toList();
    }

    /**
     * The errors of an upload, as the error summary lists them ({@code file:row:column: message}); those of the
     * targets.csv read from an uploaded workbook are said of the workbook and its cell, as a spreadsheet names it:
     * {@code targets.xlsx:7:tolerance_pct: ... (cell L7)}.
     */
    static List<String> uploadErrors(List<RuleSetError> errors, boolean fromWorkbook, String targetsCsv) {
        if (!fromWorkbook) {
            return errors.stream().map(RuleSetError::toString).toList();
        }
        List<String> header = header(targetsCsv);
        return errors.stream().map(e -> {
            if (!RuleSetLoader.TARGETS.equals(e.file())) {
                return e.toString();
            }
            int column = header.indexOf(e.column());
            String cell = column >= 0 && e.row() > 0 ? " (cell " + columnLetters(column) + e.row() + ")" : "";
            return TargetsWorkbook.FILE + ":" + e.row() + ":" + e.column() + ": " + e.message() + cell;
        }).toList();
    }

    private static List<String> header(String csv) {
        try (CSVParser parser = CSVParser.parse(new StringReader(csv == null ? "" : csv), CSVFormat.DEFAULT)) {
            var records = parser.iterator();
            return records.hasNext() ? records.next().toList().stream().map(String::strip).toList() : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** A spreadsheet's letters for a column, from 0: A, B, ... Z, AA, AB. */
    static String columnLetters(int index) {
        StringBuilder b = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26) {
            b.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return b.toString();
    }

    /** What a silence silences, in words: the indicator's name, or every indicator of a priority. */
    static String subject(RuleSet rules, Silence s) {
        return s.indicator() != null ? name(rules, s.indicator()) : "Every indicator of " + Words.title(s.priority());
    }

    static String name(RuleSet rules, String indicator) {
        return rules.targetsFor(indicator).stream().findFirst().map(Target::name).orElse(indicator);
    }

    /** What activating a version would change, the ratings by series and period, at most {@value #MAX_RATINGS_SHOWN}. */
    static Preview preview(RuleSet rules, RuleEngine.Rebuilt r) {
        List<RatingRow> ratings = r.ratings().stream().limit(MAX_RATINGS_SHOWN).map(c -> new RatingRow(
                name(rules, c.series().indicator()), c.series().area(), c.period().toString(),
                c.before() == null ? null : c.before().rating(), figures(c.before()),
                c.after() == null ? null : c.after().rating(), figures(c.after()))).toList();
        List<AlertRow> alerts = r.alerts().stream().map(a -> new AlertRow(name(rules, a.series().indicator()),
                a.series().area(), alertChange(a.before(), a.after()))).toList();
        return new Preview(ratings, r.ratings().size() + r.ratingsLeftOut(), alerts, r.events().size() + r.eventsLeftOut());
    }

    private static String figures(Assessment a) {
        if (a == null) {
            return "Not rated";
        }
        return Words.number(a.actual()) + " against " + Words.rounded(a.expected());
    }

    static String alertChange(Rating before, Rating after) {
        if (before == null) {
            return "Opens: " + Words.rating(after);
        }
        if (after == null) {
            return "Closes (was " + Words.rating(before).toLowerCase() + ")";
        }
        return "Changes from " + Words.rating(before).toLowerCase() + " to " + Words.rating(after).toLowerCase();
    }

    /** Why a version cannot be activated as its page showed it, in a sentence or two. */
    static String whyNot(RuleSetService.NotAsPreviewed e) {
        String since = e.activeSince() == null ? "" : " (" + Words.when(e.activeSince()) + ")";
        return switch (e.why()) {
            case REFUSED -> "Version " + e.version() + " was refused when it was checked, so it cannot be activated.";
            case ALREADY_ACTIVE -> "Version " + e.version() + " is the active version already: nothing was changed.";
            case ACTIVE_CHANGED -> "Version " + e.active() + " was activated after this page was opened" + since
                    + ", so what activating version " + e.version() + " would change is not what the page showed. Nothing"
                    + " was changed: check what it would change now and confirm again.";
            case STALE_CANDIDATE -> "Version " + e.version() + " was made from an earlier rule set: version " + e.active()
                    + " has been activated since" + since + ", and activating version " + e.version()
                    + " would undo that change. Nothing was changed. Upload your files again to make a new version from"
                    + " the active rule set.";
        };
    }

    static SilencePage silencePage(int version, RuleSet rules, RuleSetService.SilencePreview p, LocalDate today,
                                   String whyNot, int active) {
        Map<SeriesKey, List<AlertState>> bySeries = new TreeMap<>(Comparator.comparing(SeriesKey::toString));
        p.alerts().forEach(a -> bySeries.computeIfAbsent(a.series(), k -> new ArrayList<>()).add(a));
        List<AlertRow> alerts = new ArrayList<>();
        for (List<AlertState> states : bySeries.values()) {
            for (AlertState a : states) {
                alerts.add(new AlertRow(name(rules, a.indicator()), a.area(), describe(a)));
            }
        }
        List<HeldRow> held = p.heldBack().stream().map(e -> new HeldRow(Words.when(e.at()), Words.eventLine(e),
                name(rules, e.indicator()) + " in " + e.area(), rules.contact(e.recipient()).map(AlertViews::person)
                .orElse(e.recipient()))).toList();
        String horizon = p.cut() ? "This looks a year ahead, to " + Words.when(p.until()) + "; the silence lasts longer."
                : "This looks ahead to the end of the silence.";
        return new SilencePage(version, silences(rules, p.silences(), today), alerts, held, horizon, whyNot, active);
    }

    private static String describe(AlertState a) {
        String what = a.kind() == AlertKind.LATE_DATA ? "Reading overdue" : Words.rating(a.severity());
        String ack = a.acknowledgedBy() == null ? "not acknowledged" : "acknowledged by " + a.acknowledgedBy();
        String already = a.silence() == null ? "" : "; already held back: " + a.silence();
        return what + " (" + a.period() + "), level " + a.level() + ", " + ack + already;
    }
}
