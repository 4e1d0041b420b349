package targetwatch.routes.pages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.StoredNote;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.IngestService;

/** What the alert pages show, worked out from the store and the engine: the list with its filters, and one alert. */
public final class AlertViews {

    /** The states the list can be filtered to. */
    public static final List<String> STATES = List.of("open", "unacknowledged", "acknowledged", "resolved", "all");
    static final int MAX_ALERTS = 1000;

    private AlertViews() {
    }

    /** One alert in the list. */
    public record Row(String id, String name, String area, String period, Rating severity, int level, String state,
                      String opened, boolean mine, String kind) {
    }

    /** The list: the user's alerts first, then the others, with the filters as chosen. */
    public record AlertList(List<Row> mine, List<Row> others, List<String> priorities, String priority, Set<String> ratings,
                            String state, boolean hasContacts) {

        public boolean ratingChosen(String r) {
            return ratings.contains(r);
        }
    }

    /**
     * One event of an alert's history, in words.
     *
     * @param comment what the person who acknowledged wrote, quoted as theirs on one line ({@code lead wrote: “...”}),
     *                or null
     */
    public record Moment(String when, String what, String who, String comment, String reason) {
    }

    /** One period of the series, as the table beside the chart shows it. */
    public record SeriesRow(String period, String actual, String expected, Rating rating, String direction) {
    }

    /** One alert's page. */
    public record AlertPage(AlertState alert, String name, String headline, String gap, String definition, String lead,
                            Chart chart, List<SeriesRow> table, List<Moment> history, boolean mayAcknowledge,
                            String whyNot, String acknowledgeAction, String acknowledgeAs, boolean acknowledged,
                            String note, String partnerNote) {

        public String state() {
            return stateOf(alert);
        }
    }

    static AlertList list(IngestService service, Users.Principal user, String priority, Set<String> ratings, String state) {
        RuleSet rules = service.ruleSet();
        List<AlertState> all = service.store().alerts(state.equals("open") || state.equals("unacknowledged")
                || state.equals("acknowledged"), MAX_ALERTS);
        List<Row> mine = new ArrayList<>();
        List<Row> others = new ArrayList<>();
        Set<String> priorities = new TreeSet<>();
        rules.targets().forEach(t -> priorities.add(t.priority()));
        for (AlertState a : all) {
            if (a.priority() != null) {
                priorities.add(a.priority());
            }
            if (priority != null && !priority.equals(a.priority())) {
                continue;
            }
            if (!ratings.isEmpty() && !ratings.contains(a.severity().name())) {
                continue;
            }
            boolean acked = a.acknowledgedBy() != null;
            boolean keep = switch (state) {
                case "unacknowledged" -> a.isOpen() && !acked;
                case "acknowledged" -> a.isOpen() && acked;
                case "resolved" -> !a.isOpen();
                default -> true;
            };
            if (!keep) {
                continue;
            }
            boolean isMine = answersFor(user, a);
            Row row = new Row(a.id(), name(rules, a), a.area(), a.period().toString(), a.severity(), a.level(), stateOf(a),
                    Words.when(a.openedAt()), isMine, a.kind() == AlertKind.LATE_DATA ? "Reading overdue" : "Rating");
            (isMine ? mine : others).add(row);
        }
        Comparator<Row> order = Comparator.comparing((Row r) -> r.severity() != Rating.RED)
                .thenComparing(r -> r.severity() != Rating.AMBER);
        mine.sort(order);
        others.sort(order);
        return new AlertList(mine, others, List.copyOf(priorities), priority, ratings, state, !user.contacts().isEmpty());
    }

    static AlertPage page(IngestService service, AlertState a, Users.Principal user, String linkRecipient,
                          String acknowledgeAction, boolean acknowledged, String note) {
        RuleSet rules = service.ruleSet();
        Optional<Target> target = rules.targetFor(a.partnership(), a.indicator());
        List<Assessment> series = service.history(a.series());
        // a rating alert stands at its series' latest period (it opened earlier, maybe); a late-data alert is about its period
        Assessment latest = a.kind() == AlertKind.LATE_DATA
                ? series.stream().filter(x -> x.period().equals(a.period())).findFirst().orElse(null)
                : series.isEmpty() ? null : series.get(series.size() - 1);
        String name = name(rules, a);
        String headline = a.kind() == AlertKind.LATE_DATA
                ? "No reading for " + a.period() + " has arrived, and it is overdue."
                : Words.rating(a.severity()) + " in " + (latest == null ? a.period() : latest.period())
                + (latest == null ? "" : ": " + Words.number(latest.actual())
                + " against " + Words.number(latest.expected()) + " expected") + ".";
        String gap = latest == null || target.isEmpty() ? "" : Words.gap(latest.actual(), latest.expected(), target.get());
        String lead = rules.contact(a.lead()).map(AlertViews::person).orElse(a.lead());
        List<SeriesRow> table = series.stream().map(x -> new SeriesRow(x.period().toString(), Words.number(x.actual()),
                Words.rounded(x.expected()), x.rating(), Words.direction(x.direction()))).toList();
        Chart chart = Chart.of("chart-" + a.id().replaceAll("[^A-Za-z0-9-]", ""), name + " in " + a.area(),
                target.orElse(null), series, 720, 320);
        // the partner's note on the reading the alert stands at, quoted as its source's words
        String partnerNote = service.store().latestNote(a.series(), latest == null ? a.period() : latest.period())
                .map(StoredNote::quoted).orElse(null);
        List<Moment> history = service.store().alertHistory(a.id()).stream().map(e -> moment(rules, e)).toList();
        String whyNot = null;
        boolean may;
        String as;
        if (linkRecipient != null) {
            may = a.isOpen();
            as = rules.contact(linkRecipient).map(AlertViews::person).orElse(linkRecipient);
        } else {
            may = a.isOpen() && user != null && mayAcknowledge(user, a);
            as = user == null ? null : user.name();
            if (user != null && !may) {
                whyNot = !a.isOpen() ? "This alert has resolved: there is nothing to acknowledge."
                        : !user.may(Role.LEAD) ? "You can read this alert; acknowledging it needs a lead officer's account."
                        : "Only the lead officers this alert was sent to can acknowledge it.";
            }
        }
        return new AlertPage(a, name, headline, gap, target.map(Words::definition).orElse(""), lead, chart, table, history,
                may, whyNot, acknowledgeAction, as, acknowledged, note, partnerNote);
    }

    /** Whether the user answers for the alert: one of its contacts is the alert's lead, data contact, or was told. */
    static boolean answersFor(Users.Principal user, AlertState a) {
        for (String c : user.contacts()) {
            if (c.equals(a.lead()) || c.equals(a.dataContact()) || a.told().contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** A lead acknowledges the alerts it answers for; the secretariat and administrators any alert. */
    static boolean mayAcknowledge(Users.Principal user, AlertState a) {
        return user.may(Role.SECRETARIAT) || (user.may(Role.LEAD) && answersFor(user, a));
    }

    static String name(RuleSet rules, AlertState a) {
        return rules.targetFor(a.partnership(), a.indicator()).map(Target::name).orElse(a.indicator());
    }

    static String stateOf(AlertState a) {
        if (!a.isOpen()) {
            return "Resolved " + Words.when(a.closedAt());
        }
        if (a.silence() != null) {
            return "Silenced";
        }
        return a.acknowledgedBy() != null ? "Acknowledged by " + a.acknowledgedBy() : "Not acknowledged";
    }

    private static Moment moment(RuleSet rules, AlertEvent e) {
        String who = e.type() == targetwatch.engine.model.AlertEventType.ACKNOWLEDGED ? "by " + e.actor()
                : e.recipient() == null ? "" : "to " + rules.contact(e.recipient()).map(AlertViews::person).orElse(e.recipient())
                + (e.silenced() ? " (held back by a silence)" : "");
        return new Moment(Words.when(e.at()), Words.eventLine(e), java.util.Objects.requireNonNullElse(PlainText.oneLine(who), ""),
                PlainText.quoted(e.actor(), e.comment()),
                PlainText.oneLine(e.reason()));
    }

    static String person(Contact c) {
        return c.name() + (c.role() == null || c.role().isBlank() ? "" : ", " + c.role());
    }
}
