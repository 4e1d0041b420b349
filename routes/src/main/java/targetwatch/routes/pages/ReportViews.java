package targetwatch.routes.pages;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.Commentary;
import targetwatch.engine.store.Store;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * The board and scrutiny's quarterly report: every indicator of the active rule set grouped by priority, with the
 * engine's rating of the indicator's period for the quarter in words (or why there is none: not yet due, or overdue),
 * the rating at the latest financial year-end beside it, the direction of travel, a small chart with its figures and
 * the lead officer's commentary. The page, the PDF and the CSV are all drawn from one {@link Report}; no rating is
 * worked out here, only taken from the engine's assessments.
 */
public final class ReportViews {

    /** How many periods of each indicator the report charts, up to the one it reports. */
    static final int CHARTED_PERIODS = 8;

    private ReportViews() {
    }

    /** Where an indicator stands in the report, in the order the report faces them: the reds first. */
    public enum Standing {
        OFF_TRACK("Off track"), AT_RISK("At risk"), ON_TRACK("On track"), AWAITING("Awaiting data"), NO_READING("No reading");

        private final String label;

        Standing(String label) {
            this.label = label;
        }

        /** The word counted at the top of the report. */
        public String label() {
            return label;
        }
    }

    /** A status as the report says it, with the GOV.UK tag colour shown beside the words (never instead of them). */
    public record Status(Standing standing, String words, String tag) {
    }

    /** How many indicators stand where. */
    public record Count(Standing standing, int count) {
    }

    /** One indicator of the report. */
    public record Line(String indicator, String name, String priority, String area, String lead, String frequency,
                       String period, String actual, String expected, Status status, String yearEndPeriod,
                       Status yearEnd, String sincePrevious, String sinceYearBefore, Chart chart,
                       List<AlertViews.SeriesRow> figures, Commentary commentary, String commentaryWhen,
                       boolean mayComment) {
    }

    /** The lines of one of the plan's priorities, in the order of targets.csv. */
    public record Group(String priority, String name, List<Line> lines) {
    }

    /**
     * The whole report: the quarter and its scope, the counts of each status, the lines off track and at risk (faced
     * first), every line by priority, and when it was made.
     */
    public record Report(Period quarter, String quarterWords, String partnership, String area, Period yearEnd,
                         List<Count> counts, List<Line> faced, List<Group> groups, String generated,
                         String generatedDay, Period previousQuarter, Period nextQuarter, String savedIndicator) {

        /** The query string that names this report ({@code period=2015-Q4&area=maidstone&partnership=maidstone}). */
        public String query() {
            return "period=" + quarter + "&area=" + area + "&partnership=" + partnership;
        }

        /** The same report for another quarter. */
        public String queryFor(Period other) {
            return "period=" + other + "&area=" + area + "&partnership=" + partnership;
        }

        /** The line of an indicator, if the report has one. */
        public Optional<Line> line(String indicator) {
            return groups.stream().flatMap(g -> g.lines().stream()).filter(l -> l.indicator().equals(indicator)).findFirst();
        }

        /** The name of the indicator whose commentary was just saved, for the success banner, or null. */
        public String savedName() {
            return savedIndicator == null ? null : line(savedIndicator).map(Line::name).orElse(null);
        }
    }

    // ---- the words and periods of the report (pure, so each boundary can be tested alone)

    /**
     * The status of an indicator's period: the engine's rating in words when it rated one; else "Awaiting data (due 14
     * Feb)" while the reading is not yet due, and "No reading" from its due day on (the day the engine chases it as
     * late data).
     */
    public static Status status(Assessment assessed, LocalDate dueDay, LocalDate today) {
        if (assessed != null) {
            Rating r = assessed.rating();
            Standing s = switch (r) {
                case RED -> Standing.OFF_TRACK;
                case AMBER -> Standing.AT_RISK;
                case GREEN -> Standing.ON_TRACK;
                case GREY -> Standing.NO_READING;
            };
            return new Status(s, Words.rating(r), Words.tag(r));
        }
        if (today.isBefore(dueDay)) {
            return new Status(Standing.AWAITING, "Awaiting data (due " + Words.dayMonth(dueDay) + ")", "");
        }
        return new Status(Standing.NO_READING, Words.rating(Rating.GREY), Words.tag(Rating.GREY));
    }

    /**
     * The direction of travel the engine worked out (with the target's polarity: lower is better, higher is better, or
     * any change is worse), in the report's words.
     */
    public static String travel(Direction d) {
        return switch (d) {
            case IMPROVING -> "Better";
            case WORSENING -> "Worse";
            case STABLE -> "No change";
            case NONE -> "Not comparable";
        };
    }

    /** The latest period in a notation that has ended by the day (the day itself included). */
    public static Period latestEndedBy(Frequency frequency, LocalDate day) {
        Period p = Period.containing(day, frequency);
        return p.end().isAfter(day) ? p.previous() : p;
    }

    /** The quarter a report shows unless asked: the latest one complete by today (whose last day has passed). */
    public static Period defaultQuarter(LocalDate today) {
        return latestEndedBy(Frequency.QUARTER, today.minusDays(1));
    }

    /** The latest financial year (April to March) ended by the quarter's end: the year-end shown beside it. */
    public static Period yearEnd(Period quarter) {
        return latestEndedBy(Frequency.FINANCIAL_YEAR, quarter.end());
    }

    /** "October to December 2015" for 2015-Q4. */
    static String quarterWords(Period quarter) {
        return quarter.start().getMonth().getDisplayName(TextStyle.FULL, Locale.UK) + " to "
                + quarter.end().getMonth().getDisplayName(TextStyle.FULL, Locale.UK) + " " + quarter.year();
    }

    /** A lead writes the commentary of the targets it leads; the secretariat (and administrators) of any. */
    public static boolean mayComment(Users.Principal user, Target target) {
        return user != null && (user.may(Role.SECRETARIAT) || (user.may(Role.LEAD) && user.contacts().contains(target.lead())));
    }

    // ---- the report

    /** What a report covers: one partnership's area, for one quarter. */
    record Scope(String partnership, String area) {
    }

    /**
     * The scope of a report: the partnership and area asked for, else the partnership with the most assessments and
     * its area with the most (the partnership's own, beside comparators such as kent), else the default partnership.
     */
    static Scope scope(List<Assessment> assessments, String askedPartnership, String askedArea) {
        String partnership = askedPartnership != null ? askedPartnership
                : mostCommon(assessments, Assessment::partnership).orElse(Reading.DEFAULT_PARTNERSHIP);
        List<Assessment> own = assessments.stream().filter(a -> a.partnership().equals(partnership)).toList();
        String area = askedArea != null ? askedArea : mostCommon(own, Assessment::area).orElse(partnership);
        return new Scope(partnership, area);
    }

    private static Optional<String> mostCommon(List<Assessment> assessments, Function<Assessment, String> key) {
        return assessments.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting())).entrySet()
                .stream().max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                        Comparator.reverseOrder()))).map(Map.Entry::getKey);
    }

    /**
     * The report of a quarter for a scope, as the user may act on it, on the day {@code now} falls in London.
     *
     * @param saved the indicator whose commentary was just saved, or null
     */
    static Report report(RuleSet rules, List<Assessment> assessments, Store store, Users.Principal user, Period quarter,
                         Scope scope, Instant now, String saved) {
        LocalDate today = LocalDate.ofInstant(now, Words.LONDON);
        Period yearEnd = yearEnd(quarter);
        Map<SeriesKey, NavigableMap<Period, Assessment>> bySeries = new HashMap<>();
        for (Assessment a : assessments) {
            bySeries.computeIfAbsent(a.series(), k -> new TreeMap<>()).put(a.period(), a);
        }
        Map<String, Commentary> commentary = store.commentaries(scope.partnership(), scope.area(), quarter);
        Map<String, List<Line>> byPriority = new LinkedHashMap<>();
        for (Target t : rules.targets()) {
            if (!t.appliesTo(scope.partnership())) {
                continue;
            }
            NavigableMap<Period, Assessment> series = new TreeMap<>(bySeries.getOrDefault(
                    new SeriesKey(scope.partnership(), t.indicator(), scope.area()), new TreeMap<>()));
            series.keySet().removeIf(p -> p.frequency() != t.frequency());
            byPriority.computeIfAbsent(t.priority(), p -> new ArrayList<>())
                    .add(line(rules, t, scope, series, quarter, yearEnd, today, commentary.get(t.indicator()), user));
        }
        List<Group> groups = byPriority.entrySet().stream()
                .map(e -> new Group(e.getKey(), Words.priority(e.getKey()), List.copyOf(e.getValue()))).toList();
        List<Line> all = groups.stream().flatMap(g -> g.lines().stream()).toList();
        Map<Standing, Integer> counted = new EnumMap<>(Standing.class);
        for (Standing s : Standing.values()) {
            counted.put(s, 0);
        }
        all.forEach(l -> counted.merge(l.status().standing(), 1, Integer::sum));
        List<Count> counts = counted.entrySet().stream().map(e -> new Count(e.getKey(), e.getValue())).toList();
        List<Line> faced = all.stream().filter(l -> l.status().standing().compareTo(Standing.AT_RISK) <= 0)
                .sorted(Comparator.comparing((Line l) -> l.status().standing())).toList();
        return new Report(quarter, quarterWords(quarter), scope.partnership(), scope.area(), yearEnd, counts, faced, groups,
                Words.when(now), Words.day(today), quarter.previous(), quarter.next(), saved);
    }

    private static Line line(RuleSet rules, Target t, Scope scope, NavigableMap<Period, Assessment> series, Period quarter,
                             Period yearEnd, LocalDate today, Commentary commentary, Users.Principal user) {
        Period period = latestEndedBy(t.frequency(), quarter.end());
        Assessment a = series.get(period);
        Period yearEndPeriod = latestEndedBy(t.frequency(), yearEnd.end());
        Status yearEndStatus = status(series.get(yearEndPeriod), t.dueDay(yearEndPeriod), today);
        List<Assessment> charted = new ArrayList<>(series.headMap(period, true).values());
        charted = charted.subList(Math.max(0, charted.size() - CHARTED_PERIODS), charted.size());
        Chart chart = Chart.of("chart-" + t.indicator(), t.name() + " in " + scope.area(), t, charted, 360, 180);
        List<AlertViews.SeriesRow> figures = charted.stream().map(x -> new AlertViews.SeriesRow(x.period().toString(),
                Words.number(x.actual()), Words.rounded(x.expected()), x.rating(), Words.direction(x.direction()))).toList();
        String lead = rules.contact(t.lead()).map(AlertViews::person).orElse(t.lead());
        return new Line(t.indicator(), t.name(), t.priority(), scope.area(), lead, Words.frequency(t.frequency()),
                period.toString(), a == null ? "–" : Words.number(a.actual()), a == null ? "–" : Words.rounded(a.expected()),
                status(a, t.dueDay(period), today), yearEndPeriod.toString(), yearEndStatus,
                travel(a == null ? Direction.NONE : a.direction()), travel(a == null ? Direction.NONE : a.yearOnYear()),
                chart, figures, commentary, commentary == null ? null : Words.when(commentary.writtenAt()),
                mayComment(user, t));
    }
}
