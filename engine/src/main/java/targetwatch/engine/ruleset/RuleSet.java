package targetwatch.engine.ruleset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertSettings;
import targetwatch.engine.model.AreaList;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.EscalationLevel;
import targetwatch.engine.model.Partnership;
import targetwatch.engine.model.Silence;
import targetwatch.engine.model.Target;

/**
 * A rule set whose every cell passed its checks: the targets, the contacts and the developer-owned
 * templates and DRL that will turn them into rules. Not yet compiled.
 *
 * @param folder where it was read from
 * @param templates the kind templates by kind code ({@code reduce-to} to its .drt text)
 * @param drl the cross-cutting DRL files by file name
 * @param checksum a SHA-256 over every file that makes the rule set
 * @param escalation the escalation levels of escalation.csv, default rows copied to every priority without its own
 * @param silences the silences of silences.csv
 * @param workingDays the calendar escalation clocks count in (bank-holidays.csv)
 * @param settings what is history and how many mails a person gets a day (settings.csv, defaults without it)
 * @param areas the areas readings are taken for (areas.csv with settings.csv's unlisted_areas; every area without it)
 * @param partnership whose rule set it is (its folder, or settings.csv's partnership, partnership_name and area)
 */
public record RuleSet(Path folder, List<Target> targets, List<Contact> contacts, Map<String, String> templates,
                      Map<String, String> drl, String checksum, List<EscalationLevel> escalation,
                      List<Silence> silences, WorkingDays workingDays, AlertSettings settings, AreaList areas,
                      Partnership partnership) {

    public RuleSet {
        targets = List.copyOf(targets);
        contacts = List.copyOf(contacts);
        escalation = List.copyOf(escalation);
        silences = List.copyOf(silences);
        templates = Map.copyOf(templates);
        drl = Map.copyOf(drl);
        settings = settings == null ? AlertSettings.DEFAULTS : settings;
        areas = areas == null ? AreaList.ANY : areas;
        partnership = partnership == null ? Partnership.DEFAULT : partnership;
    }

    /** Whether a reading for the area is one this rule set takes (its own area, a listed one or a comparator). */
    public boolean takesArea(String area) {
        return areas.problemWith(area, comparatorAreas()).isEmpty();
    }

    /** The areas the targets compare with: always taken, whatever areas.csv says. */
    public Set<String> comparatorAreas() {
        return targets.stream().map(Target::comparatorArea).filter(java.util.Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The targets that rate an indicator (more than one when rows are narrowed to partnerships). */
    public List<Target> targetsFor(String indicator) {
        return targets.stream().filter(t -> t.indicator().equals(indicator)).toList();
    }

    /** The target that rates the indicator for the partnership, if any: its own row before the general one. */
    public Optional<Target> targetFor(String partnership, String indicator) {
        List<Target> rows = targetsFor(indicator);
        return rows.stream().filter(t -> partnership.equals(t.partnership())).findFirst()
                .or(() -> rows.stream().filter(t -> t.partnership() == null).findFirst());
    }

    public Optional<Contact> contact(String id) {
        return contacts.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public Map<String, Contact> contactsById() {
        return contacts.stream().collect(Collectors.toUnmodifiableMap(Contact::id, Function.identity()));
    }

    /** The escalation levels of one kind of alert for a priority, lowest first. */
    public List<EscalationLevel> escalationFor(String priority, AlertKind kind) {
        return escalation.stream().filter(l -> l.priority().equals(priority) && l.alert() == kind)
                .sorted(java.util.Comparator.comparingInt(EscalationLevel::level)).toList();
    }
}
