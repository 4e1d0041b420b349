package targetwatch.engine.ruleset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import targetwatch.engine.model.Partnership;
import targetwatch.engine.model.Slugs;

/**
 * Where each partnership's rule set lives. Either a root of partnership folders, each subfolder holding a
 * {@code targets.csv} (or {@code targets.xlsx}) being one partnership named by the folder, with reference files all
 * of them may share ({@link #SHARED_FILES}) at the root; or one partnership's folder, as before there were tenants,
 * named by its settings.csv (or the default partnership).
 */
public final class RuleSetLayout {

    /** The reference files a partnership folder takes from the root when it has none of its own. */
    public static final Set<String> SHARED_FILES = Set.of("areas.csv", "population.csv", "bank-holidays.csv");

    private final Path shared;
    private final SortedMap<String, Path> partnerships;

    private RuleSetLayout(Path shared, SortedMap<String, Path> partnerships) {
        this.shared = shared;
        this.partnerships = Collections.unmodifiableSortedMap(partnerships);
    }

    /**
     * Reads the layout of a rules folder.
     *
     * @throws RuleSetRejectedException when it is neither a partnership's folder nor a root holding any, or a
     *                                  partnership folder's name is not a slug
     */
    public static RuleSetLayout of(Path dir) throws RuleSetRejectedException {
        if (!Files.isDirectory(dir)) {
            throw new RuleSetRejectedException(List.of(new RuleSetError(dir.toString(), 0, "", "is not a folder")));
        }
        if (isPartnershipFolder(dir)) {
            String id = partnershipNamedIn(dir);
            SortedMap<String, Path> one = new TreeMap<>();
            one.put(id, dir);
            return new RuleSetLayout(null, one);
        }
        SortedMap<String, Path> found = new TreeMap<>();
        List<RuleSetError> errors = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isDirectory).filter(RuleSetLayout::isPartnershipFolder).sorted().toList()) {
                String name = p.getFileName().toString();
                if (!Slugs.isSlug(name)) {
                    errors.add(new RuleSetError(name, 0, "", "a partnership's folder is named by its id, a lower-case slug"
                            + " such as tunbridge-wells"));
                } else {
                    found.put(name, p);
                }
            }
        } catch (IOException e) {
            errors.add(new RuleSetError(dir.toString(), 0, "", "cannot be listed: " + e.getMessage()));
        }
        if (errors.isEmpty() && found.isEmpty()) {
            errors.add(new RuleSetError(dir.toString(), 0, "", "holds no " + RuleSetLoader.TARGETS + " and no partnership"
                    + " folders (one folder per partnership, each with its " + RuleSetLoader.TARGETS + ")"));
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        return new RuleSetLayout(dir, found);
    }

    /** Whether the folder is one partnership's rule set (it holds targets). */
    public static boolean isPartnershipFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(RuleSetLoader.TARGETS)) || Files.isRegularFile(dir.resolve("targets.xlsx"));
    }

    /** The root whose reference files the partnership folders share, or null for one partnership's folder. */
    public Path shared() {
        return shared;
    }

    /** Whether this is one partnership's folder, as before tenants. */
    public boolean single() {
        return shared == null;
    }

    /** Each partnership's id and folder, by id. */
    public SortedMap<String, Path> partnerships() {
        return partnerships;
    }

    /** Loads every partnership's rule set, each checked alone; the errors of all, each named by its partnership. */
    public Map<String, RuleSet> load(RuleSetLoader loader) throws RuleSetRejectedException {
        Map<String, RuleSet> sets = new TreeMap<>();
        List<RuleSetError> errors = new ArrayList<>();
        for (Map.Entry<String, Path> p : partnerships.entrySet()) {
            try {
                sets.put(p.getKey(), loader.load(p.getValue(), shared, p.getKey()));
            } catch (RuleSetRejectedException e) {
                e.errors().forEach(x -> errors.add(single() ? x
                        : new RuleSetError(p.getKey() + "/" + x.file(), x.row(), x.column(), x.message())));
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        return sets;
    }

    /**
     * The folder a file is read from: the partnership's own when it holds the file or when there is no root, else the
     * root's when the file is a shared one that the root holds.
     */
    static Path holding(Path folder, Path shared, String name) {
        if (shared == null || Files.isRegularFile(folder.resolve(name)) || !SHARED_FILES.contains(name)
                || !Files.isRegularFile(shared.resolve(name))) {
            return folder;
        }
        return shared;
    }

    /** The id settings.csv gives a single folder, or the default partnership's; the loader checks the rest. */
    private static String partnershipNamedIn(Path dir) {
        Path settings = dir.resolve(RuleSetLoader.SETTINGS);
        if (!Files.isRegularFile(settings)) {
            return Partnership.DEFAULT.id();
        }
        try {
            List<RuleSetError> ignored = new ArrayList<>();
            Partnership p = RuleSetLoader.parsePartnership(Files.readString(settings), null, ignored);
            return p.id();
        } catch (IOException | RuntimeException e) {
            return Partnership.DEFAULT.id();
        }
    }
}
