package targetwatch.engine.ruleset;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.AlertSettings;
import targetwatch.engine.model.AreaList;
import targetwatch.engine.model.Partnership;
import targetwatch.engine.model.EscalationLevel;
import targetwatch.engine.model.Silence;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;

/**
 * Reads a rule set folder and checks every cell of the secretariat's files before anything reaches a
 * template: a rule set with any error is refused whole, with every error found. The templates and DRL come from the
 * release ({@link ReleaseRules}); a folder that holds any is refused, since the folder is the secretariat's data only.
 */
public final class RuleSetLoader {

    public static final String TARGETS = "targets.csv";
    public static final String CONTACTS = "contacts.csv";
    public static final String TEMPLATES = "templates";
    public static final String ESCALATION = "escalation.csv";
    public static final String SILENCES = "silences.csv";
    public static final String SETTINGS = "settings.csv";

    static final List<String> TARGET_COLUMNS = List.of("indicator", "name", "priority", "unit", "kind", "polarity",
            "frequency", "baseline", "baseline_date", "target", "target_date", "tolerance_pct", "comparator_area", "lead");
    static final List<String> CONTACT_COLUMNS = List.of("id", "name", "role", "organisation", "email");
    static final List<String> ESCALATION_COLUMNS = List.of("priority", "alert", "level", "recipients", "after_red_periods",
            "after_working_days", "remind_every_working_days", "ack_lasts_working_days");
    static final List<String> SILENCE_COLUMNS = List.of("indicator", "priority", "until", "reason", "author");
    static final List<String> SETTING_COLUMNS = List.of("setting", "value");
    static final String HISTORY_WINDOW_PERIODS = "history_window_periods";
    static final String DAILY_MAIL_BUDGET = "daily_mail_budget";
    static final String UNLISTED_AREAS = "unlisted_areas";
    public static final String PARTNERSHIP = "partnership";
    public static final String PARTNERSHIP_NAME = "partnership_name";
    public static final String AREA = "area";
    private static final int MAX_PARTNERSHIP_NAME = 120;
    /** The daily_mail_budget that sends every mail as it comes. */
    static final String NO_BUDGET = "none";
    static final String AREAS = "areas.csv";
    static final List<String> AREA_COLUMNS = List.of("area", "readings");
    /** Fifty years of months: a secretariat may treat a whole plan's history as news. */
    private static final int MAX_HISTORY_WINDOW_PERIODS = 600;
    private static final int MAX_DAILY_MAIL_BUDGET = 1000;
    private static final int MAX_LEVEL = 9;
    private static final int MAX_WORKING_DAYS = 250;
    /** More reminders than this, each twice as far apart as the one before, would outlast any plan. */
    static final int MAX_REMINDERS = 20;
    private static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    private final ReleaseRules release;

    /** A loader for the rules this release ships with. */
    public RuleSetLoader() {
        this(ReleaseRules.shipped());
    }

    /** A loader with other developer-owned rules (tests). */
    public RuleSetLoader(ReleaseRules release) {
        this.release = release;
    }

    /**
     * Loads and checks the rule set in {@code folder}: one partnership's, named by its settings.csv (or the default
     * partnership).
     *
     * @throws RuleSetRejectedException with every error found, naming file, row and column
     */
    public RuleSet load(Path folder) throws RuleSetRejectedException {
        return load(folder, null, null);
    }

    /**
     * Loads and checks one partnership's rule set.
     *
     * @param shared the root of partnership folders whose reference files ({@link RuleSetLayout#SHARED_FILES}) the
     *               folder uses where it has none of its own, or null
     * @param id     the partnership it must be (its folder's name, or the tenant a stored version belongs to), or null:
     *               then the folder's name when {@code shared} is given, else settings.csv's or the default
     * @throws RuleSetRejectedException with every error found, naming file, row and column
     */
    public RuleSet load(Path folder, Path shared, String id) throws RuleSetRejectedException {
        List<RuleSetError> errors = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            throw new RuleSetRejectedException(List.of(new RuleSetError(folder.toString(), 0, "", "is not a folder")));
        }
        Map<String, String> files = new TreeMap<>();
        String targetsText = read(folder, TARGETS, errors, files);
        String contactsText = read(folder, CONTACTS, errors, files);
        refuseDeveloperFiles(folder, errors);
        Map<String, String> templates = release.templates();
        Map<String, String> drl = release.drl();

        List<Contact> contacts = contactsText == null ? List.of() : parseContacts(contactsText, errors);
        List<Target> targets = targetsText == null ? List.of()
                : parseTargets(targetsText, contacts.stream().map(Contact::id).collect(HashSet::new, Set::add, Set::addAll),
                contactsText != null, errors);
        for (Target t : targets) {
            if (!templates.containsKey(t.kind().code())) {
                errors.add(new RuleSetError(TARGETS, t.row(), "kind", "no template " + TEMPLATES + "/" + t.kind().code()
                        + ".drt for this kind in the rule set"));
            }
        }
        Set<String> contactIds = contacts.stream().map(Contact::id).collect(java.util.stream.Collectors.toSet());
        String escalationText = optional(folder, ESCALATION, errors, files);
        // a contact refused (or contacts.csv missing) is reported once, not again wherever its id is used
        boolean contactsClean = contactsText != null && errors.stream().noneMatch(e -> e.file().equals(CONTACTS));
        Set<String> known = contactsClean ? contactIds : null;
        List<EscalationLevel> escalation = parseEscalation(escalationText, targets, known, errors);
        String silencesText = optional(folder, SILENCES, errors, files);
        List<Silence> silences = silencesText == null ? List.of() : parseSilences(silencesText, targets, known, errors);
        String settingsText = optional(folder, SETTINGS, errors, files);
        AlertSettings settings = settingsText == null ? AlertSettings.DEFAULTS : parseSettings(settingsText, errors);
        String areasText = optional(RuleSetLayout.holding(folder, shared, AREAS), AREAS, errors, files);
        AreaList.Unlisted unlisted = settingsText == null ? null : unlistedAreas(settingsText, areasText != null, errors);
        AreaList areas = areasText == null ? AreaList.ANY : parseAreas(areasText, errors)
                .withUnlisted(unlisted == null ? AreaList.Unlisted.REFUSE : unlisted);
        String expected = id != null ? id : shared != null && folder.getFileName() != null ? folder.getFileName().toString() : null;
        Partnership partnership = parsePartnership(settingsText, expected, errors);
        if (partnership.area() != null) {
            String home = partnership.area();
            if (areasText != null && !areas.rated().contains(home) && !areas.quiet().contains(home)
                    && !areas.countedOnly().contains(home)) {
                errors.add(new RuleSetError(SETTINGS, 0, AREA, "\"" + home + "\" is not listed in " + AREAS
                        + ": a partnership's own area must be one of its areas"));
            }
            areas = areas.withHome(home);
        }
        WorkingDays workingDays = new WorkingDays(Set.of());
        Path holidays = RuleSetLayout.holding(folder, shared, WorkingDays.FILE).resolve(WorkingDays.FILE);
        if (Files.isRegularFile(holidays)) {
            try {
                workingDays = WorkingDays.load(holidays);
            } catch (RuleSetRejectedException e) {
                errors.addAll(e.errors());
            } catch (IOException e) {
                errors.add(new RuleSetError(WorkingDays.FILE, 0, "", "cannot be read: " + e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        return new RuleSet(folder, targets, contacts, templates, drl, checksum(folder, shared, files), escalation, silences,
                workingDays, settings, areas, partnership);
    }

    /**
     * Parses settings.csv: one row per setting ({@code history_window_periods}, {@code daily_mail_budget}), each at
     * most once; a setting left out keeps its default.
     */
    static AlertSettings parseSettings(String text, List<RuleSetError> errors) {
        Map<String, Integer> values = new TreeMap<>();
        for (Cells c : rows(SETTINGS, text, SETTING_COLUMNS, errors)) {
            String name = c.raw("setting");
            Integer value = switch (name) {
                case HISTORY_WINDOW_PERIODS -> c.integer("value", true, 0, MAX_HISTORY_WINDOW_PERIODS);
                case DAILY_MAIL_BUDGET -> c.raw("value").equalsIgnoreCase(NO_BUDGET) ? Integer.valueOf(AlertSettings.NO_BUDGET)
                        : c.integer("value", true, 1, MAX_DAILY_MAIL_BUDGET);
                // read by unlistedAreas(), which knows whether areas.csv is there, and by parsePartnership(); counted
                // here for the repeat check
                case UNLISTED_AREAS, PARTNERSHIP, PARTNERSHIP_NAME, AREA -> 0;
                default -> {
                    c.error("setting", "\"" + targetwatch.engine.model.Slugs.abbreviate(name) + "\" is not a setting: use "
                            + HISTORY_WINDOW_PERIODS + ", " + DAILY_MAIL_BUDGET + ", " + UNLISTED_AREAS + ", " + PARTNERSHIP + ", "
                            + PARTNERSHIP_NAME + " or " + AREA);
                    yield null;
                }
            };
            if (value != null && values.putIfAbsent(name, value) != null) {
                c.error("setting", name + " is set twice: keep one row");
            }
        }
        return new AlertSettings(values.getOrDefault(HISTORY_WINDOW_PERIODS, AlertSettings.DEFAULT_HISTORY_WINDOW_PERIODS),
                values.getOrDefault(DAILY_MAIL_BUDGET, AlertSettings.DEFAULT_DAILY_MAIL_BUDGET));
    }

    /**
     * Whose rule set it is, from settings.csv's {@code partnership}, {@code partnership_name} and {@code area}: the
     * partnership must be {@code expected} when that is given (a folder's name), and is the default one when neither
     * says.
     */
    static Partnership parsePartnership(String settingsText, String expected, List<RuleSetError> errors) {
        String id = null;
        String name = null;
        String area = null;
        if (settingsText != null) {
            // rows() has reported the file's shape already: read it again without repeating those errors, keeping the
            // cells' own
            List<RuleSetError> found = new ArrayList<>();
            List<Cells> settingRows = rows(SETTINGS, settingsText, SETTING_COLUMNS, found);
            found.clear();
            for (Cells c : settingRows) {
                switch (c.raw("setting")) {
                    case PARTNERSHIP -> {
                        String v = c.slug("value", true);
                        if (v != null && expected != null && !v.equals(expected)) {
                            c.error("value", "is \"" + v + "\" but this is the rule set of \"" + expected
                                    + "\" (its folder's name): make them the same, or leave the row out");
                        } else {
                            id = v;
                        }
                    }
                    case PARTNERSHIP_NAME -> {
                        String v = targetwatch.engine.model.PlainText.oneLine(c.raw("value"));
                        if (v == null || v.isBlank()) {
                            c.error("value", "is required: the partnership's name as mails and pages show it");
                        } else if (v.length() > MAX_PARTNERSHIP_NAME) {
                            c.error("value", "is longer than " + MAX_PARTNERSHIP_NAME + " characters");
                        } else {
                            name = v;
                        }
                    }
                    case AREA -> area = c.slug("value", true);
                    default -> {
                    }
                }
            }
            errors.addAll(found);
        }
        if (expected != null && !targetwatch.engine.model.Slugs.isSlug(expected)) {
            errors.add(new RuleSetError(SETTINGS, 0, PARTNERSHIP, "the folder's name \""
                    + targetwatch.engine.model.Slugs.abbreviate(expected) + "\" is not a lower-case slug such as tunbridge-wells:"
                    + " a partnership's folder is named by its id"));
            return Partnership.DEFAULT;
        }
        String partnership = expected != null ? expected : id != null ? id : Partnership.DEFAULT.id();
        return new Partnership(partnership, name, area);
    }

    /**
     * The {@code unlisted_areas} setting of settings.csv (refuse, quiet or rate), or null when it is not set. It says
     * what happens to an area areas.csv does not list, so it needs areas.csv.
     */
    static AreaList.Unlisted unlistedAreas(String settingsText, boolean areasListed, List<RuleSetError> errors) {
        AreaList.Unlisted found = null;
        // rows() has reported the file's shape already: read it again without repeating those errors
        for (Cells c : rows(SETTINGS, settingsText, SETTING_COLUMNS, new ArrayList<>())) {
            if (!c.raw("setting").equals(UNLISTED_AREAS) || found != null) {
                continue;
            }
            String value = c.raw("value").toLowerCase(java.util.Locale.ROOT);
            java.util.Optional<AreaList.Unlisted> u = AreaList.Unlisted.fromCode(value);
            if (u.isEmpty()) {
                errors.add(new RuleSetError(SETTINGS, c.row(), "value", "\"" + targetwatch.engine.model.Slugs.abbreviate(value)
                        + "\" is not a treatment of unlisted areas: use refuse, quiet or rate"));
                return null;
            }
            if (!areasListed) {
                errors.add(new RuleSetError(SETTINGS, c.row(), "setting", UNLISTED_AREAS + " says what happens to areas "
                        + AREAS + " does not list, and the rule set has no " + AREAS + ": add it or remove this row"));
                return null;
            }
            found = u.get();
        }
        return found;
    }

    /**
     * Parses the columns of areas.csv the engine reads: {@code area}, {@code readings} (yes: readings are taken for
     * it; no: it only counts toward a wider area) and, optionally, {@code alerts} (no: rated but never alerting).
     * The feeds read the other columns (FeedAreas).
     */
    static AreaList parseAreas(String text, List<RuleSetError> errors) {
        Set<String> rated = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        Set<String> countedOnly = new HashSet<>();
        for (Cells c : rows(AREAS, text, AREA_COLUMNS, errors)) {
            String area = c.slug("area", true);
            Boolean readings = yesNo(c, "readings", true);
            Boolean alerts = yesNo(c, "alerts", false);
            if (area == null || readings == null) {
                continue;
            }
            if (rated.contains(area) || quiet.contains(area) || countedOnly.contains(area)) {
                c.error("area", "\"" + area + "\" is already listed");
                continue;
            }
            if (!readings) {
                if (alerts != null && alerts) {
                    c.error("alerts", "is yes for an area with readings=no, which is never rated");
                }
                countedOnly.add(area);
            } else if (alerts != null && !alerts) {
                quiet.add(area);
            } else {
                rated.add(area);
            }
        }
        return new AreaList(rated, quiet, countedOnly, AreaList.Unlisted.REFUSE);
    }

    /** A yes or no cell; null when blank (an error when required) or neither. */
    private static Boolean yesNo(Cells c, String column, boolean required) {
        String v = c.raw(column).toLowerCase(java.util.Locale.ROOT);
        if (v.isEmpty()) {
            if (required) {
                c.error(column, "is required: yes or no");
            }
            return null;
        }
        if (!v.equals("yes") && !v.equals("no")) {
            c.error(column, "must be yes or no, not \"" + targetwatch.engine.model.Slugs.abbreviate(v) + "\"");
            return null;
        }
        return v.equals("yes");
    }

    /** A file the rule set may leave out: null when absent. */
    private static String optional(Path folder, String name, List<RuleSetError> errors, Map<String, String> files) {
        Path p = folder.resolve(name);
        return Files.isRegularFile(p) ? readText(p, name, errors, files) : null;
    }

    /**
     * Parses escalation.csv into levels per priority and alert kind: a priority without rows of its own gets
     * the {@code *} rows; a kind without {@code *} rows gets one level, its lead (rating) or data contact (late
     * data). Levels of one priority and kind run 1, 2, 3... and only level 1 is reached without a trigger.
     */
    static List<EscalationLevel> parseEscalation(String text, List<Target> targets, Set<String> contactIds,
                                                 List<RuleSetError> errors) {
        Set<String> priorities = new java.util.TreeSet<>();
        targets.forEach(t -> priorities.add(t.priority()));
        List<EscalationLevel> rows = new ArrayList<>();
        if (text != null) {
            for (Cells c : rows(ESCALATION, text, ESCALATION_COLUMNS, errors)) {
                int before = errors.size();
                String priority = c.raw("priority");
                if (priority.isEmpty()) {
                    c.error("priority", "is required: a priority of targets.csv, or * for every priority");
                } else if (!priority.equals(EscalationLevel.EVERY_PRIORITY) && !priorities.contains(priority)) {
                    c.error("priority", "\"" + targetwatch.engine.model.Slugs.abbreviate(priority)
                            + "\" is not a priority of any target in " + TARGETS + " (or * for every priority)");
                }
                AlertKind kind = c.choice("alert", AlertKind::fromCode);
                Integer level = c.integer("level", true, 1, MAX_LEVEL);
                Integer red = c.integer("after_red_periods", false, 1, 40);
                // waits of at least one working day: the rules that carry them out are decided on the clock's ticks only
                // (rules.ClockTick), since nothing a reading changes can be due by then
                Integer days = c.integer("after_working_days", false, 1, MAX_WORKING_DAYS);
                Integer remind = c.integer("remind_every_working_days", false, 1, MAX_WORKING_DAYS);
                Integer ack = c.integer("ack_lasts_working_days", false, 1, MAX_WORKING_DAYS);
                Integer maxReminders = c.integer("max_reminders", false, 0, MAX_REMINDERS);
                Boolean remindLower = c.yesNo("remind_lower_levels", false);
                List<String> recipients = new ArrayList<>();
                for (String r : c.raw("recipients").split("[;\\s]+")) {
                    if (r.isEmpty()) {
                        continue;
                    }
                    if (r.equals(EscalationLevel.LEAD) || r.equals(EscalationLevel.DATA_CONTACT) || contactIds == null
                            || contactIds.contains(r)) {
                        recipients.add(r);
                    } else {
                        c.error("recipients", "\"" + targetwatch.engine.model.Slugs.abbreviate(r) + "\" is not an id in "
                                + CONTACTS + " (nor lead or data-contact)");
                    }
                }
                if (recipients.isEmpty() && errors.size() == before) {
                    c.error("recipients", "is required: contact ids, lead or data-contact, separated by ;");
                }
                if (level != null && level == 1 && (red != null || days != null)) {
                    c.error(red != null ? "after_red_periods" : "after_working_days",
                            "must be blank on level 1: every alert starts at level 1");
                }
                if (level != null && level > 1 && red == null && days == null) {
                    c.error("after_working_days", "level " + level + " needs after_red_periods or after_working_days");
                }
                if (kind == AlertKind.LATE_DATA && red != null) {
                    c.error("after_red_periods", "late-data alerts have no ratings: use after_working_days");
                }
                if (maxReminders != null && maxReminders > 0 && remind == null) {
                    c.error("max_reminders", "there are no reminders to limit: remind_every_working_days is blank");
                }
                if (Boolean.TRUE.equals(remindLower) && remind == null) {
                    c.error("remind_lower_levels", "there are no reminders at this level: remind_every_working_days is blank");
                }
                if (errors.size() == before) {
                    rows.add(new EscalationLevel(c.row(), priority, kind, level, recipients, red, days, remind, ack,
                            maxReminders, Boolean.TRUE.equals(remindLower)));
                }
            }
        }
        if (errors.stream().anyMatch(e -> e.file().equals(ESCALATION))) {
            return List.of(); // refused anyway: the level order of rows that were not read would only mislead
        }
        Map<String, List<EscalationLevel>> byGroup = new TreeMap<>();
        rows.forEach(l -> byGroup.computeIfAbsent(l.priority() + "/" + l.alert().code(), k -> new ArrayList<>()).add(l));
        byGroup.forEach((group, levels) -> {
            levels.sort(java.util.Comparator.comparingInt(EscalationLevel::level));
            for (int i = 0; i < levels.size(); i++) {
                if (levels.get(i).level() != i + 1) {
                    EscalationLevel l = levels.get(i);
                    errors.add(new RuleSetError(ESCALATION, l.row(), "level", "levels of " + group + " must run 1, 2, 3... without"
                            + " gaps or repeats; found " + l.level() + " where " + (i + 1) + " was expected"));
                    return;
                }
            }
        });
        List<EscalationLevel> levels = new ArrayList<>();
        for (AlertKind kind : AlertKind.values()) {
            List<EscalationLevel> defaults = rows.stream()
                    .filter(l -> l.alert() == kind && l.priority().equals(EscalationLevel.EVERY_PRIORITY)).toList();
            if (defaults.isEmpty()) {
                defaults = List.of(new EscalationLevel(0, EscalationLevel.EVERY_PRIORITY, kind, 1,
                        List.of(kind == AlertKind.RATING ? EscalationLevel.LEAD : EscalationLevel.DATA_CONTACT),
                        null, null, null, null));
            }
            for (String p : priorities) {
                List<EscalationLevel> own = rows.stream().filter(l -> l.alert() == kind && l.priority().equals(p)).toList();
                (own.isEmpty() ? defaults.stream().map(l -> l.forPriority(p)).toList() : own).forEach(levels::add);
            }
        }
        return levels;
    }

    /** Parses silences.csv: each row silences an indicator or a priority of targets.csv until a date, for a reason. */
    static List<Silence> parseSilences(String text, List<Target> targets, Set<String> contactIds, List<RuleSetError> errors) {
        List<Silence> silences = new ArrayList<>();
        if (text.lines().filter(l -> !l.isBlank()).count() <= 1 && text.lines().findFirst().map(
                h -> SILENCE_COLUMNS.stream().allMatch(h::contains)).orElse(false)) {
            return silences; // nothing silenced: a header alone is a valid file
        }
        for (Cells c : rows(SILENCES, text, SILENCE_COLUMNS, errors)) {
            int before = errors.size();
            String indicator = c.slug("indicator", false);
            String priority = c.slug("priority", false);
            var until = c.date("until", true);
            String reason = c.text("reason", true);
            String author = c.slug("author", true);
            if (c.isBlank("indicator") == c.isBlank("priority")) {
                c.error("indicator", "fill in either indicator or priority: a silence is for one of them");
            }
            if (indicator != null && targets.stream().noneMatch(t -> t.indicator().equals(indicator))) {
                c.error("indicator", "\"" + indicator + "\" has no target in " + TARGETS);
            }
            if (priority != null && targets.stream().noneMatch(t -> t.priority().equals(priority))) {
                c.error("priority", "\"" + priority + "\" is not a priority of any target in " + TARGETS);
            }
            if (author != null && contactIds != null && !contactIds.contains(author)) {
                c.error("author", "\"" + author + "\" is not an id in " + CONTACTS + ": the author is reminded before it ends");
            }
            if (errors.size() == before) {
                silences.add(new Silence(c.row(), indicator, priority, until, reason, author));
            }
        }
        return silences;
    }

    private static String read(Path folder, String name, List<RuleSetError> errors, Map<String, String> files) {
        Path p = folder.resolve(name);
        if (!Files.isRegularFile(p)) {
            errors.add(new RuleSetError(name, 0, "", "is missing from the rule set folder " + folder));
            return null;
        }
        return readText(p, name, errors, files);
    }

    private static String readText(Path p, String name, List<RuleSetError> errors, Map<String, String> files) {
        try {
            if (Files.size(p) > MAX_FILE_BYTES) {
                errors.add(new RuleSetError(name, 0, "", "is larger than " + MAX_FILE_BYTES / 1024 / 1024 + " MB"));
                return null;
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            files.put(name, text);
            return text;
        } catch (CharacterCodingException e) {
            errors.add(new RuleSetError(name, 0, "", "is not UTF-8 text (save it as CSV UTF-8)"));
        } catch (IOException e) {
            errors.add(new RuleSetError(name, 0, "", "cannot be read: " + e.getMessage()));
        }
        return null;
    }

    /**
     * Refuses templates and DRL in the folder: they are code, and come only with the release; the folder (and any
     * upload) carries the secretariat's data. One error per file found.
     */
    private static void refuseDeveloperFiles(Path folder, List<RuleSetError> errors) {
        try (Stream<Path> s = Files.walk(folder, 2)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = folder.relativize(p).toString().replace('\\', '/');
                if (RuleSetFiles.isDeveloperOwned(name)) {
                    errors.add(new RuleSetError(name, 0, "", DEVELOPER_OWNED));
                }
            }
        } catch (IOException e) {
            errors.add(new RuleSetError(folder.toString(), 0, "", "cannot be listed: " + e.getMessage()));
        }
    }

    /** Why a template or DRL in a rule set folder or upload is refused. */
    public static final String DEVELOPER_OWNED = "is a template or DRL: these are code and come only with a release of"
            + " targetwatch, never from the rules folder or an upload (remove it; the release's rules apply)";

    /**
     * Parses a secretariat CSV into rows of cells by column, or reports why it cannot. Empty lines are
     * skipped but still counted, so that row numbers are the ones a spreadsheet or text editor shows.
     */
    static List<Cells> rows(String file, String text, List<String> required, List<RuleSetError> errors) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(false).build();
        List<Cells> rows = new ArrayList<>();
        try (Reader r = new StringReader(text); CSVParser parser = CSVParser.parse(r, format)) {
            List<String> header = parser.getHeaderNames();
            List<String> missing = required.stream().filter(c -> !header.contains(c)).toList();
            if (!missing.isEmpty()) {
                errors.add(new RuleSetError(file, 1, "", "missing column" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing)));
                return rows;
            }
            for (CSVRecord rec : parser) {
                int row = (int) rec.getRecordNumber() + 1;
                if (rec.size() == 1 && rec.get(0).isEmpty()) {
                    continue;
                }
                if (!rec.isConsistent()) {
                    errors.add(new RuleSetError(file, row, "", "has " + rec.size() + " cells where the header has "
                            + header.size()));
                    continue;
                }
                rows.add(new Cells(file, row, rec.toMap(), errors));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            errors.add(new RuleSetError(file, 0, "", "is not readable CSV: " + e.getMessage()));
        }
        if (rows.isEmpty() && errors.stream().noneMatch(e -> e.file().equals(file))) {
            errors.add(new RuleSetError(file, 0, "", "has no rows"));
        }
        return rows;
    }

    static List<Contact> parseContacts(String text, List<RuleSetError> errors) {
        List<Contact> contacts = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Cells c : rows(CONTACTS, text, CONTACT_COLUMNS, errors)) {
            String id = c.slug("id", true);
            String name = c.text("name", true);
            String role = c.text("role", false);
            String organisation = c.text("organisation", false);
            String email = c.raw("email");
            if (!Contact.isEmail(email)) {
                c.error("email", email.isEmpty() ? "is required" : "\"" + email + "\" is not an email address");
                email = null;
            }
            if (id != null && seen.putIfAbsent(id, c.row()) != null) {
                c.error("id", "\"" + id + "\" is already used on row " + seen.get(id));
                id = null;
            }
            if (id != null && name != null && email != null) {
                contacts.add(new Contact(id, name, role, organisation, email));
            }
        }
        return contacts;
    }

    static List<Target> parseTargets(String text, Set<String> contactIds, boolean contactsRead, List<RuleSetError> errors) {
        List<Target> targets = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Cells c : rows(TARGETS, text, TARGET_COLUMNS, errors)) {
            int before = errors.size();
            String indicator = c.slug("indicator", true);
            String name = c.text("name", false);
            String priority = c.slug("priority", true);
            Unit unit = c.choice("unit", Unit::fromCode);
            Kind kind = c.choice("kind", Kind::fromCode);
            Polarity polarity = c.choice("polarity", Polarity::fromCode);
            Frequency frequency = c.choice("frequency", Frequency::fromCode);
            BigDecimal baseline = c.number("baseline", true);
            var baselineDate = c.date("baseline_date", true);
            BigDecimal target = c.number("target", kind != Kind.BELOW_COMPARATOR);
            var targetDate = c.date("target_date", true);
            BigDecimal tolerance = c.number("tolerance_pct", false);
            String comparator = c.slug("comparator_area", kind == Kind.BELOW_COMPARATOR);
            String lead = c.slug("lead", true);
            String partnership = c.slug("partnership", false);
            Integer hysteresis = c.integer("hysteresis", false, 1, Target.MAX_HYSTERESIS);
            Integer dueDays = c.integer("due_days", false, 0, Target.MAX_DUE_DAYS);
            String dataContact = c.slug("data_contact", false);
            if (dataContact != null && contactsRead && !contactIds.contains(dataContact)) {
                c.error("data_contact", "\"" + dataContact + "\" is not an id in " + CONTACTS);
            }

            if (baselineDate != null && targetDate != null && !targetDate.isAfter(baselineDate)) {
                c.error("target_date", targetDate + " is not after the baseline_date " + baselineDate);
            }
            if (tolerance != null && (tolerance.signum() < 0 || tolerance.compareTo(BigDecimal.valueOf(100)) > 0)) {
                c.error("tolerance_pct", tolerance.toPlainString() + " is not a percentage between 0 and 100");
            }
            if (unit != null) {
                if (baseline != null) {
                    unit.problemWith(baseline).ifPresent(p -> c.error("baseline", p));
                }
                if (target != null) {
                    unit.problemWith(target).ifPresent(p -> c.error("target", p));
                }
            }
            if (kind != null && polarity != null) {
                kindPolarityProblem(kind, polarity).ifPresent(p -> c.error("polarity", p));
            }
            if (lead != null && contactsRead && !contactIds.contains(lead)) {
                c.error("lead", "\"" + lead + "\" is not an id in " + CONTACTS);
            }
            if (indicator != null) {
                String key = indicator + "/" + (partnership == null ? "*" : partnership);
                Integer first = seen.putIfAbsent(key, c.row());
                if (first != null) {
                    c.error("indicator", "\"" + indicator + "\" already has a target on row " + first
                            + (partnership == null ? "" : " for " + partnership));
                }
            }
            if (errors.size() == before) {
                targets.add(new Target(c.row(), indicator, name, priority, unit, kind, polarity, frequency, baseline,
                        baselineDate, target, targetDate, tolerance, comparator, lead, partnership,
                        hysteresis == null ? Target.DEFAULT_HYSTERESIS : hysteresis,
                        dueDays == null ? Target.DEFAULT_DUE_DAYS : dueDays, dataContact));
            }
        }
        return targets;
    }

    /** Why a kind and a polarity cannot go together (a reduce-to target of an indicator where higher is better). */
    static java.util.Optional<String> kindPolarityProblem(Kind kind, Polarity polarity) {
        return switch (kind) {
            case REDUCE_TO -> polarity == Polarity.LOWER ? java.util.Optional.empty()
                    : java.util.Optional.of("a reduce-to target is for an indicator where lower is better: its polarity must be lower");
            case INCREASE_TO, DELIVER_ANNUALLY -> polarity == Polarity.HIGHER ? java.util.Optional.empty()
                    : java.util.Optional.of((kind == Kind.INCREASE_TO ? "an " : "a ") + kind.code() + " target is for an indicator where higher is better: its polarity"
                    + " must be higher");
            case BELOW_COMPARATOR -> polarity == Polarity.LOWER ? java.util.Optional.empty()
                    : java.util.Optional.of("a below-comparator target is met by staying below: its polarity must be lower");
            case MAINTAIN -> java.util.Optional.empty();
        };
    }

    /**
     * The checksum of every rule set file in the folder (data files the feeds read too), so that the same
     * folder always has the same checksum as the version stored from it (the release's rules are the same for every
     * version under one release).
     */
    private static String checksum(Path folder, Path shared, Map<String, String> checkedFiles) {
        try {
            return RuleSetFiles.checksum(RuleSetFiles.read(folder, shared));
        } catch (IOException e) {
            return RuleSetFiles.checksum(checkedFiles);
        }
    }
}
