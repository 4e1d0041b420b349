package targetwatch.routes.pages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.store.Commentary;
import targetwatch.routes.service.IngestService;

/** What the indicator pages show: every target with its latest rating, and one indicator's series in an area. */
public final class IndicatorViews {

    private IndicatorViews() {
    }

    /** One series in the list of indicators: its latest assessed period, rated. */
    public record Row(String indicator, String name, String priority, String area, String period, String actual,
                      String expected, targetwatch.engine.model.Rating rating, String direction) {
    }

    /** One indicator's page; {@code latest} is its latest assessed period, or null before any. */
    public record IndicatorPage(Target target, String area, List<String> areas, String definition, String lead,
                                String due, String frequency, Chart chart, List<AlertViews.SeriesRow> table,
                                AlertViews.SeriesRow latest, Commentary commentary, String commentaryWhen) {
    }

    static List<Row> list(IngestService service) {
        RuleSet rules = service.ruleSet();
        Map<SeriesKey, Assessment> latest = new TreeMap<>(Comparator.comparing(SeriesKey::toString));
        for (Assessment a : service.latest()) {
            latest.put(a.series(), a);
        }
        List<Row> rows = new ArrayList<>();
        for (Target t : rules.targets()) {
            List<Assessment> series = latest.values().stream().filter(a -> a.indicator().equals(t.indicator())).toList();
            if (series.isEmpty()) {
                rows.add(new Row(t.indicator(), t.name(), t.priority(), "–", "–", "–", "–",
                        targetwatch.engine.model.Rating.GREY, "No reading yet"));
            }
            for (Assessment a : series) {
                rows.add(new Row(t.indicator(), t.name(), t.priority(), a.area(), a.period().toString(),
                        Words.number(a.actual()), Words.rounded(a.expected()), a.rating(), Words.direction(a.direction())));
            }
        }
        rows.sort(Comparator.comparing(Row::priority).thenComparing(Row::name).thenComparing(Row::area));
        return rows;
    }

    static Optional<IndicatorPage> page(IngestService service, String indicator, String askedArea) {
        RuleSet rules = service.ruleSet();
        Optional<Target> target = rules.targetsFor(indicator).stream().findFirst();
        if (target.isEmpty()) {
            return Optional.empty();
        }
        Target t = target.get();
        Map<String, List<Assessment>> byArea = new TreeMap<>();
        for (Assessment a : service.assessments()) {
            if (a.indicator().equals(indicator)) {
                byArea.computeIfAbsent(a.area(), x -> new ArrayList<>()).add(a);
            }
        }
        if (askedArea != null && !byArea.containsKey(askedArea)) {
            // an area with no assessment of this indicator: not an empty page that looks like a series
            return Optional.empty();
        }
        List<String> areas = List.copyOf(byArea.keySet());
        String area = askedArea != null ? askedArea
                : byArea.entrySet().stream().max(Comparator.comparingInt((Map.Entry<String, List<Assessment>> e) -> e.getValue().size()))
                .map(Map.Entry::getKey).orElse(askedArea);
        List<Assessment> series = byArea.getOrDefault(area, List.of()).stream()
                .sorted(Comparator.comparing(Assessment::period)).toList();
        Chart chart = Chart.of("chart-" + indicator, t.name() + (area == null ? "" : " in " + area), t, series, 720, 320);
        List<AlertViews.SeriesRow> table = series.stream().map(x -> new AlertViews.SeriesRow(x.period().toString(),
                Words.number(x.actual()), Words.rounded(x.expected()), x.rating(), Words.direction(x.direction()))).toList();
        String lead = rules.contact(t.lead()).map(AlertViews::person).orElse(t.lead());
        Commentary said = area == null ? null : service.store().latestCommentary(new SeriesKey(partnership(series, t, service.ruleSet().partnership().id()), indicator,
                area)).orElse(null);
        return Optional.of(new IndicatorPage(t, area, areas, Words.definition(t), lead, Words.due(t),
                Words.frequency(t.frequency()), chart, table, table.isEmpty() ? null : table.get(table.size() - 1), said,
                said == null ? null : Words.when(said.writtenAt())));
    }

    /** The partnership of a series shown: that of its readings, else the target's own, else the rule set's. */
    private static String partnership(List<Assessment> series, Target t, String ruleSets) {
        return !series.isEmpty() ? series.get(0).partnership() : t.partnership() != null ? t.partnership() : ruleSets;
    }
}
