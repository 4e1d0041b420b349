package targetwatch.routes.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.rules.CompiledRules;
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
 * atomically; the active version lives in the database.
 */
public final class RuleSetService {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetService.class);

    private final Store store;
    private final Path workDir;
    private final Clock clock;
    private final RuleCompiler compiler = new RuleCompiler();
    /** Candidates compiled when submitted, kept so that activation does not build again. */
    private final Map<Integer, CompiledRules> compiled = new ConcurrentHashMap<>();
    private IngestService ingest;

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
        this.store = store;
        this.workDir = workDir;
        this.clock = clock;
    }

    /**
     * The rule set to start with: the active version in the database, or else the given folder, stored as
     * version 1 and made active.
     */
    public CompiledRules startingRules(Path folder) throws IOException, RuleSetRejectedException {
        Optional<RuleSetVersion> active = store.ruleSetVersions().stream()
                .filter(v -> RuleSetVersion.ACTIVE.equals(v.status())).findFirst();
        if (active.isPresent()) {
            RuleSetVersion v = store.ruleSetVersion(active.get().version()).orElseThrow();
            CompiledRules rules = compiler.load(RuleSetFiles.write(v.files(), freshDir(v.version())));
            compiled.put(v.version(), rules);
            return rules;
        }
        Map<String, String> files = RuleSetFiles.read(folder);
        CompiledRules rules = compiler.load(folder);
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
            CompiledRules rules = compiler.load(dir);
            int version = store.addRuleSetVersion(checksum, files, RuleSetVersion.CANDIDATE, who, comment, null, clock.instant());
            compiled.put(version, rules);
            LOG.info("rule set version {} from {} is ready to preview and activate ({} targets)", version, who,
                    rules.ruleSet().targets().size());
            return new Submission(version, checksum, List.of());
        } catch (RuleSetRejectedException e) {
            String errors = e.errors().stream().map(RuleSetError::toString).collect(Collectors.joining("\n"));
            int version = store.addRuleSetVersion(checksum, files, RuleSetVersion.REFUSED, who, comment, errors, clock.instant());
            LOG.warn("refused rule set version {} from {}:\n{}", version, who, errors);
            deleteQuietly(dir);
            return new Submission(version, checksum, e.errors());
        }
    }

    /**
     * The secretariat's files laid over the active version's developer-owned files (templates, DRL), to
     * make a complete rule set from an upload.
     */
    public Map<String, String> overActive(Map<String, String> secretariatFiles) {
        Map<String, String> files = new TreeMap<>(activeFiles());
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
        RuleSetVersion v = store.ruleSetVersion(version).orElseThrow(() -> new IllegalArgumentException("no rule set version " + version));
        if (RuleSetVersion.REFUSED.equals(v.status())) {
            throw new IllegalArgumentException("rule set version " + version + " was refused and cannot be activated");
        }
        RuleEngine.Rebuilt rebuilt = ingest.activate(version, compiledVersion(version));
        LOG.info("{} activated rule set version {}", who, version);
        return rebuilt;
    }

    private CompiledRules compiledVersion(int version) throws IOException, RuleSetRejectedException {
        CompiledRules rules = compiled.get(version);
        if (rules != null) {
            return rules;
        }
        RuleSetVersion v = store.ruleSetVersion(version).orElseThrow(() -> new IllegalArgumentException("no rule set version " + version));
        rules = compiler.load(RuleSetFiles.write(v.files(), freshDir(version)));
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
