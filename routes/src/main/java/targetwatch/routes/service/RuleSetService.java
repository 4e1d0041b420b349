package targetwatch.routes.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Silence;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.Now;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.engine.ruleset.RuleSetRejectedException;
import targetwatch.engine.store.RuleSetVersion;
import targetwatch.engine.store.Store;

/**
 * Rule sets without redeploys. Three ways in (the watched folder, the API, the command line through
 * the API) and one path: validate, build beside the running rule set, preview, activate. Every rule set
 * submitted is stored as a numbered version, refused ones with who and why; activation and rollback swap
 * atomically; the active version lives in the database. A candidate made from an upload laid over the active
 * version is held by its number with the version it was laid over, so that activating it after another version was
 * activated (which it would undo) is refused; see {@link #activateAsPreviewed}.
 */
public final class RuleSetService {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetService.class);

    private final Store store;
    private final Path workDir;
    private final Clock clock;
    private final RuleCompiler compiler = new RuleCompiler();
    /** Candidates compiled when submitted, kept so that activation does not build again. */
    private final Map<Integer, CompiledRules> compiled = new ConcurrentHashMap<>();
    /** Candidates laid over the active version ({@link #submitOverActive}), by number: the version they were laid over. */
    private final Map<Integer, Integer> laidOver = new ConcurrentHashMap<>();
    /** Held while a version is activated, and while an upload is laid over the active version's files. */
    private final Object activation = new Object();
    private IngestService ingest;
    /** The partnership whose rule sets these are, or null: the one a single folder's settings name. */
    private final String partnership;

    /** How far ahead a silence's preview looks for what it would hold back. */
    public static final Duration SILENCE_PREVIEW_HORIZON = Duration.ofDays(366);

    /** The outcome of a submission: its version, and the errors when it was refused. */
    public record Submission(int version, String checksum, List<RuleSetError> errors) {
        public boolean refused() {
            return !errors.isEmpty();
        }
    }

    /**
     * @param workDir where versions are written out to be compiled (under the data folder)
     */
    public RuleSetService(Store store, Path workDir, Clock clock) {
        this(store, workDir, clock, null);
    }

    /**
     * @param store       the partnership's view of the store ({@link Store#scopedTo})
     * @param partnership the partnership whose rule sets these are (every version is checked to be its), or null for
     *                    the one a single folder's settings.csv names
     */
    public RuleSetService(Store store, Path workDir, Clock clock, String partnership) {
        this.store = store;
        this.workDir = workDir;
        this.clock = clock;
        this.partnership = partnership;
    }

    /** The partnership whose rule sets these are, or null (a single folder's). */
    public String partnership() {
        return partnership;
    }

    /**
     * The rule set to start with: the active version in the database, or else the given folder, stored as
     * version 1 and made active.
     */
    public CompiledRules startingRules(Path folder) throws IOException, RuleSetRejectedException {
        return startingRules(folder, null);
    }

    /**
     * The rule set to start with: the active version in the database, or else the partnership's folder (with the
     * root's shared reference files), stored as version 1 and made active.
     *
     * @param shared the root of partnership folders, or null for a single folder
     */
    public CompiledRules startingRules(Path folder, Path shared) throws IOException, RuleSetRejectedException {
        Optional<RuleSetVersion> active = store.ruleSetVersions().stream()
                .filter(v -> RuleSetVersion.ACTIVE.equals(v.status())).findFirst();
        if (active.isPresent()) {
            RuleSetVersion v = store.ruleSetVersion(active.get().version()).orElseThrow();
            CompiledRules rules = compiler.load(RuleSetFiles.write(RuleSetFiles.withoutDeveloperFiles(v.files()),
                    freshDir(v.version())), null, partnership);
            compiled.put(v.version(), rules);
            return rules;
        }
        Map<String, String> files = RuleSetFiles.read(folder, shared);
        CompiledRules rules = compiler.load(folder, shared, partnership);
        int version = store.addRuleSetVersion(RuleSetFiles.checksum(files), files, RuleSetVersion.CANDIDATE, "rules folder",
                "the rule set the service first started with", null, clock.instant());
        store.activate(version, List.of(), List.of(), List.of(), java.util.Set.of(), clock.instant());
        compiled.put(version, rules);
        return rules;
    }

    /** Connects the service whose rules this service changes; called once at start. */
    public void attach(IngestService service, int activeVersion) {
        this.ingest = service;
        service.startedWith(activeVersion);
    }

    /** The stored active version number. */
    public int activeVersion() {
        return store.ruleSetVersions().stream().filter(v -> RuleSetVersion.ACTIVE.equals(v.status()))
                .mapToInt(RuleSetVersion::version).findFirst().orElse(0);
    }

    public List<RuleSetVersion> versions() {
        return store.ruleSetVersions();
    }

    /** The files of the active version. */
    public Map<String, String> activeFiles() {
        return store.ruleSetVersion(activeVersion()).map(RuleSetVersion::files).orElse(Map.of());
    }

    /**
     * Checks and builds a complete rule set (as files) beside the running one and stores it: as a
     * CANDIDATE ready to preview and activate, or REFUSED with its errors. Nothing running changes.
     */
    public Submission submit(Map<String, String> files, String who, String comment) throws IOException {
        String checksum = RuleSetFiles.checksum(files);
        Path dir = RuleSetFiles.write(files, Files.createTempDirectory(Files.createDirectories(workDir), "candidate-"));
        try {
            CompiledRules rules = compiler.load(dir, null, partnership);
            int version = store.addRuleSetVersion(checksum, files, RuleSetVersion.CANDIDATE, who, comment, null, clock.instant());
            compiled.put(version, rules);
            LOG.info("rule set version {} from {} is ready to preview and activate ({} targets)", version, PlainText.forLog(who),
                    rules.ruleSet().targets().size());
            return new Submission(version, checksum, List.of());
        } catch (RuleSetRejectedException e) {
            String errors = e.errors().stream().map(RuleSetError::toString).collect(Collectors.joining("\n"));
            int version = store.addRuleSetVersion(checksum, files, RuleSetVersion.REFUSED, who, comment, errors, clock.instant());
            LOG.warn("refused rule set version {} from {}:\n{}", version, PlainText.forLog(who),
                    e.errors().stream().map(PlainText::forLog).collect(Collectors.joining("\n")));
            deleteQuietly(dir);
            return new Submission(version, checksum, e.errors());
        }
    }

    /**
     * Submits the secretariat's files laid over the active version's ({@link #overActive}), and holds the candidate
     * with the version it was laid over: activating it once another version is active would undo that version's
     * change, and is refused.
     */
    public Submission submitOverActive(Map<String, String> secretariatFiles, String who, String comment) throws IOException {
        int base;
        Map<String, String> files;
        synchronized (activation) {
            base = activeVersion();
            files = overActive(secretariatFiles);
        }
        Submission s = submit(files, who, comment);
        if (!s.refused()) {
            laidOver.put(s.version(), base);
        }
        return s;
    }

    /**
     * The secretariat's files laid over the active version's other secretariat files, to make a complete rule set
     * from an upload of one file (the templates and DRL come from the release).
     */
    public Map<String, String> overActive(Map<String, String> secretariatFiles) {
        Map<String, String> files = RuleSetFiles.withoutDeveloperFiles(activeFiles());
        if (secretariatFiles.containsKey("targets.xlsx")) {
            files.remove("targets.csv");
        }
        files.putAll(secretariatFiles);
        return files;
    }

    /** What activating the version would change. */
    public RuleEngine.Rebuilt preview(int version) throws IOException, RuleSetRejectedException {
        return ingest.preview(compiledVersion(version));
    }

    /** Activates a stored version (a candidate, or an older one: a rollback). */
    public RuleEngine.Rebuilt activate(int version, String who) throws IOException, RuleSetRejectedException {
        synchronized (activation) {
            RuleSetVersion v = version(version).orElseThrow(() -> new IllegalArgumentException("no rule set version " + version));
            if (RuleSetVersion.REFUSED.equals(v.status())) {
                throw new IllegalArgumentException("rule set version " + version + " was refused and cannot be activated");
            }
            RuleEngine.Rebuilt rebuilt = ingest.activate(version, compiledVersion(version));
            LOG.info("{} activated rule set version {}", PlainText.forLog(who), version);
            return rebuilt;
        }
    }

    /** One stored version. */
    public Optional<RuleSetVersion> version(int version) {
        return store.ruleSetVersion(version);
    }

    /**
     * Activates a version as its preview showed it: only while the version the preview compared with is still the
     * active one, and, for a candidate, while the version it was made from is (another activation since would be
     * undone by it). Checked and activated under one lock, so two people cannot both pass the check.
     *
     * @param previewedAgainst the active version when the preview was shown
     * @throws NotAsPreviewed when the version cannot be activated as previewed; nothing is changed
     */
    public RuleEngine.Rebuilt activateAsPreviewed(int version, int previewedAgainst, String who)
            throws NotAsPreviewed, IOException, RuleSetRejectedException {
        synchronized (activation) {
            RuleSetVersion v = version(version).orElseThrow(() -> new IllegalArgumentException("no rule set version " + version));
            int active = activeVersion();
            if (RuleSetVersion.REFUSED.equals(v.status())) {
                throw new NotAsPreviewed(NotAsPreviewed.Why.REFUSED, version, active, null);
            }
            if (version == active) {
                throw new NotAsPreviewed(NotAsPreviewed.Why.ALREADY_ACTIVE, version, active, null);
            }
            Optional<NotAsPreviewed> stale = staleness(version);
            if (stale.isPresent()) {
                throw stale.get();
            }
            if (active != previewedAgainst) {
                throw new NotAsPreviewed(NotAsPreviewed.Why.ACTIVE_CHANGED, version, active, activatedAt(active));
            }
            return activate(version, who);
        }
    }

    /**
     * Why a candidate may no longer be activated, if it may not: another version was activated after it was made (or
     * after the version it was laid over), so activating it would undo that change. Empty for other versions.
     */
    public Optional<NotAsPreviewed> staleness(int version) {
        Optional<RuleSetVersion> v = version(version).filter(x -> RuleSetVersion.CANDIDATE.equals(x.status()));
        if (v.isEmpty()) {
            return Optional.empty();
        }
        int active = activeVersion();
        Instant since = activatedAt(active);
        Integer base = laidOver.get(version);
        boolean stale = base != null ? base != active : since != null && since.isAfter(v.get().createdAt());
        return stale ? Optional.of(new NotAsPreviewed(NotAsPreviewed.Why.STALE_CANDIDATE, version, active, since))
                : Optional.empty();
    }

    private Instant activatedAt(int version) {
        return version(version).map(RuleSetVersion::activatedAt).orElse(null);
    }

    /** A version that cannot be activated as its preview showed it, and why. */
    public static final class NotAsPreviewed extends Exception {

        /** Why not. */
        public enum Why {
            /** It was refused when submitted. */
            REFUSED,
            /** It is the active version already. */
            ALREADY_ACTIVE,
            /** Another version was activated since the preview was shown, so it would change something else. */
            ACTIVE_CHANGED,
            /** A candidate made before another version was activated: activating it would undo that one. */
            STALE_CANDIDATE
        }

        private final Why why;
        private final int version;
        private final int active;
        private final Instant activeSince;

        NotAsPreviewed(Why why, int version, int active, Instant activeSince) {
            super("rule set version " + version + " cannot be activated as previewed: " + why + " (version " + active
                    + " is active)");
            this.why = why;
            this.version = version;
            this.active = active;
            this.activeSince = activeSince;
        }

        public Why why() {
            return why;
        }

        public int version() {
            return version;
        }

        /** The version active now. */
        public int active() {
            return active;
        }

        /** When the version active now was activated, if known. */
        public Instant activeSince() {
            return activeSince;
        }
    }

    /** The silences a version has that the active version has not (what a silence's candidate adds). */
    public List<Silence> addedSilences(int version) throws IOException, RuleSetRejectedException {
        List<String> active = compiledVersion(activeVersion()).ruleSet().silences().stream().map(RuleSetService::key).toList();
        return compiledVersion(version).ruleSet().silences().stream().filter(x -> !active.contains(key(x))).toList();
    }

    private static String key(Silence s) {
        return s.indicator() + "|" + s.priority() + "|" + s.until() + "|" + s.reason() + "|" + s.author();
    }

    /**
     * What silences would hold back: the open alerts they cover, and what would be sent about those (and about alerts
     * the clock raises meanwhile, such as late data) from now until the silences end, at most a year ahead. Worked
     * out on a copy of the running state under the active rules, its clock moved through every working hour, without
     * the ingest lock; nothing is changed or sent.
     */
    public SilencePreview silencePreview(List<Silence> silences) throws IOException, RuleSetRejectedException {
        try (RuleEngine.Rebuilt copy = ingest.preview(compiledVersion(activeVersion()))) {
            RuleEngine engine = copy.engine();
            Instant from = engine.now();
            Instant end = silences.stream().map(Silence::until).max(Comparator.naturalOrder())
                    .map(d -> d.plusDays(1).atStartOfDay(Now.ZONE).toInstant()).orElse(from);
            Instant horizon = end.isAfter(from.plus(SILENCE_PREVIEW_HORIZON)) ? from.plus(SILENCE_PREVIEW_HORIZON) : end;
            List<AlertState> alerts = engine.alertStates().stream().filter(AlertState::isOpen)
                    .filter(a -> silences.stream().anyMatch(x -> x.covers(a.indicator(), a.priority()))).toList();
            List<AlertEvent> heldBack = new ArrayList<>();
            for (Outcome o : engine.advanceThroughWorkingHours(horizon)) {
                for (AlertEvent e : o.alertEvents()) {
                    boolean covered = silences.stream().anyMatch(x -> x.covers(e.indicator(), e.priority())
                            && x.activeOn(e.at().atZone(Now.ZONE).toLocalDate()));
                    if (e.alertId() != null && e.delivered() && covered) {
                        heldBack.add(e);
                    }
                }
            }
            return new SilencePreview(silences, alerts, heldBack, from, horizon, horizon.isBefore(end));
        }
    }

    /**
     * What silences would hold back from {@code from} to {@code until}.
     *
     * @param alerts the open alerts they cover
     * @param heldBack what would be sent about those without the silences: reminders, escalations, alerts raised
     * @param cut whether the silences last beyond {@code until}, the furthest a preview looks
     */
    public record SilencePreview(List<Silence> silences, List<AlertState> alerts, List<AlertEvent> heldBack, Instant from,
                                 Instant until, boolean cut) {
    }

    /** The active version as the database has it now (another instance may have activated it), compiled. */
    public CompiledRules activeRules() throws IOException, RuleSetRejectedException {
        return compiledVersion(activeVersion());
    }

    private CompiledRules compiledVersion(int version) throws IOException, RuleSetRejectedException {
        CompiledRules rules = compiled.get(version);
        if (rules != null) {
            return rules;
        }
        RuleSetVersion v = store.ruleSetVersion(version).orElseThrow(() -> new IllegalArgumentException("no rule set version " + version));
        rules = compiler.load(RuleSetFiles.write(RuleSetFiles.withoutDeveloperFiles(v.files()), freshDir(version)), null,
                partnership);
        compiled.put(version, rules);
        return rules;
    }

    private Path freshDir(int version) throws IOException {
        Path dir = Files.createDirectories(workDir).resolve("v" + version);
        deleteQuietly(dir);
        return Files.createDirectories(dir);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
