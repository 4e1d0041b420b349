package targetwatch.engine.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.drools.compiler.kproject.models.KieBaseModelImpl;
import org.drools.model.Model;
import org.drools.model.codegen.ExecutableModelProject;
import org.drools.modelcompiler.CanonicalKieModule;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

import targetwatch.engine.ruleset.RuleSetError;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * DRL compiled by the executable model, kept per JVM by the SHA-256 of its text: the same {@code alerts.drl} (or the
 * same batch of generated rules) is compiled once, however many rule sets are built from it. What is kept is the
 * model (the rules as Java objects), from which every KieBase is built afresh, so no two rule sets share a network.
 * The units a build lacks are taken from the release when it was built with them ({@link PrecompiledUnits}: the shipped
 * {@code alerts.drl}, so that a fresh JVM compiles nothing), the rest compiled side by side, one
 * per core. Bounded: the least recently used units go first.
 */
final class CompiledUnits {

    /** One DRL text to compile: {@code file} names it in errors (the generated file the text is part of). */
    record Unit(String file, String text) {
    }

    /** The units kept, at most; a 1,000-target rule set through its templates' DRL takes about 45. */
    static final int CAPACITY = 256;

    /** The one cache of the JVM: rule sets built by different compilers share the units they have in common. */
    static final CompiledUnits SHARED = new CompiledUnits(CAPACITY);

    private static final String RESOURCES = "src/main/resources/targetwatch/rules/";
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), daemons());

    private final int capacity;
    private final Map<String, List<Model>> models;
    private long compiled;

    CompiledUnits(int capacity) {
        this.capacity = capacity;
        this.models = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The models of every unit, in the order given: those kept are reused, the release's taken from
     * {@link PrecompiledUnits}, the rest compiled (in parallel); all kept.
     *
     * @throws RuleSetRejectedException when a unit does not compile, with every error of every unit
     */
    List<Model> modelsOf(List<Unit> units) throws RuleSetRejectedException {
        List<String> keys = units.stream().map(u -> checksum(u.text())).toList();
        Map<String, CompletableFuture<Compiled>> missing = new LinkedHashMap<>();
        Map<String, List<Model>> fresh = new LinkedHashMap<>();
        synchronized (this) {
            for (int i = 0; i < units.size(); i++) {
                Unit unit = units.get(i);
                String key = keys.get(i);
                if (models.containsKey(key) || missing.containsKey(key) || fresh.containsKey(key)) {
                    continue;
                }
                Optional<List<Model>> released = PrecompiledUnits.modelsOf(key);
                if (released.isPresent()) {
                    fresh.put(key, released.get());
                } else {
                    missing.put(key, CompletableFuture.supplyAsync(() -> compile(unit), POOL));
                }
            }
        }
        List<RuleSetError> errors = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Compiled>> e : missing.entrySet()) {
            Compiled c = join(e.getValue());
            errors.addAll(c.errors());
            fresh.put(e.getKey(), c.models());
        }
        if (!errors.isEmpty()) {
            throw new RuleSetRejectedException(errors);
        }
        List<Model> out = new ArrayList<>();
        synchronized (this) {
            compiled += missing.size();
            models.putAll(fresh);
            for (String key : keys) {
                List<Model> m = models.get(key);
                out.addAll(m != null ? m : fresh.get(key));
            }
            while (models.size() > capacity) {
                models.remove(models.keySet().iterator().next());
            }
        }
        return out;
    }

    /** How many units this cache has compiled since it was made (a unit reused is not counted). */
    synchronized long compiledCount() {
        return compiled;
    }

    /** Forgets every unit: the next build compiles everything again (for measuring a build from nothing). */
    synchronized void clear() {
        models.clear();
    }

    private record Compiled(List<Model> models, List<RuleSetError> errors) {
    }

    private static Compiled compile(Unit unit) {
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("targetwatch", "ruleset-unit", "1.0.0-" + UUID.randomUUID());
        try {
            Built built = build(unit, releaseId);
            return new Compiled(built.module() == null ? List.of()
                    : List.copyOf(built.module().getModelForKBase(new KieBaseModelImpl())), built.errors());
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
    }

    /** A unit built into a module of its own: the module (its generated classes and models), or its errors. */
    record Built(CanonicalKieModule module, List<RuleSetError> errors) {
    }

    /**
     * Builds one unit through the executable model as the module {@code releaseId} (left in the KieRepository: the
     * caller removes it). Generated class names follow from the release id and the DRL's text alone.
     */
    static Built build(Unit unit, ReleaseId releaseId) {
        KieServices ks = KieServices.Factory.get();
        var kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        kfs.write(RESOURCES + unit.file(), unit.text());
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
        List<Message> messages = builder.getResults().getMessages(Message.Level.ERROR);
        if (!messages.isEmpty()) {
            List<RuleSetError> errors = new ArrayList<>();
            for (Message m : messages) {
                String path = m.getPath() == null ? "" : m.getPath().replace(RESOURCES, "");
                errors.add(new RuleSetError(path.isEmpty() ? "rules" : path, m.getLine(), "", m.getText()));
            }
            return new Built(null, errors);
        }
        return new Built((CanonicalKieModule) builder.getKieModule(), List.of());
    }

    private static Compiled join(CompletableFuture<Compiled> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling rules", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    static String checksum(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ThreadFactory daemons() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "targetwatch-rule-compiler-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(CompiledUnits.class.getClassLoader());
            return t;
        };
    }
}
