package targetwatch.engine.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.drools.compiler.kproject.models.KieBaseModelImpl;
import org.drools.model.Model;
import org.kie.api.KieServices;
import org.kie.api.builder.ReleaseId;

import targetwatch.engine.ruleset.ReleaseRules;

/**
 * The release's own DRL ({@code alerts.drl}) compiled by the executable model when the engine is
 * built, so that a fresh JVM builds a rule set without starting the Java compiler: {@link #main} runs in the engine's
 * {@code process-classes} phase and writes the generated classes into the engine's classes with an index of them by
 * the SHA-256 of the DRL they came from. A unit is taken from the index only when its text is that DRL exactly and the
 * fact classes it imports, the Drools version and the Java release are those it was compiled against (the executable
 * model writes the facts' property indexes into its classes); any other text is compiled at run time as before.
 */
public final class PrecompiledUnits {

    /** The index, a class path resource: {@code <sha256 of the DRL>=<guard> <model class>[,<model class>]}. */
    static final String INDEX = "targetwatch/rules/precompiled/units.properties";

    /** Where the generated classes go, under the classes folder: the package the release's DRL declares. */
    private static final String GENERATED = "targetwatch/rules/";

    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+)\\s*;");

    private static final Map<String, Entry> ENTRIES = read(PrecompiledUnits.class.getClassLoader());

    private record Entry(String guard, List<String> models) {
    }

    private PrecompiledUnits() {
    }

    /** The models of the unit whose DRL has this checksum, when the release holds them compiled for these classes. */
    static Optional<List<Model>> modelsOf(String checksum) {
        Entry entry = ENTRIES.get(checksum);
        if (entry == null) {
            return Optional.empty();
        }
        String text = ReleaseRules.shipped().drl().values().stream()
                .filter(t -> CompiledUnits.checksum(t).equals(checksum)).findFirst().orElse(null);
        ClassLoader loader = PrecompiledUnits.class.getClassLoader();
        if (text == null || !entry.guard().equals(guard(text, loader))) {
            return Optional.empty();
        }
        List<Model> models = new ArrayList<>();
        for (String name : entry.models()) {
            try {
                models.add((Model) Class.forName(name, true, loader).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(models));
    }

    /**
     * What a compiled unit depends on besides its own text: the Java feature release, the Drools version and the bytes
     * of every class (and nested class) the DRL imports from outside the JDK.
     */
    static String guard(String drl, ClassLoader loader) {
        MessageDigest sha = sha256();
        sha.update(("java " + Runtime.version().feature() + "\ndrools "
                + Model.class.getPackage().getImplementationVersion() + "\n").getBytes(StandardCharsets.UTF_8));
        TreeSet<String> imported = new TreeSet<>();
        Matcher m = IMPORT.matcher(drl);
        while (m.find()) {
            if (!m.group(1).startsWith("java.") && !m.group(1).startsWith("javax.")) {
                imported.add(m.group(1));
            }
        }
        for (String name : imported) {
            try {
                hashClass(sha, Class.forName(name, false, loader), loader);
            } catch (ClassNotFoundException e) {
                sha.update(("missing " + name + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void hashClass(MessageDigest sha, Class<?> type, ClassLoader loader) {
        String resource = type.getName().replace('.', '/') + ".class";
        sha.update((resource + "\n").getBytes(StandardCharsets.UTF_8));
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in != null) {
                sha.update(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Class<?>[] nested = type.getDeclaredClasses();
        Arrays.sort(nested, java.util.Comparator.comparing(Class::getName));
        for (Class<?> n : nested) {
            hashClass(sha, n, loader);
        }
    }

    /**
     * The build step: compiles each DRL file the release ships into {@code args[0]} (the engine's classes folder) and
     * writes the index. Does nothing when the index there already holds every file for the classes as they are now.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PrecompiledUnits CLASSES_FOLDER");
        }
        Path classes = Path.of(args[0]);
        ClassLoader loader = PrecompiledUnits.class.getClassLoader();
        Map<String, String> drl = new TreeMap<>(ReleaseRules.shipped().drl());
        Map<String, Entry> before = read(loader);
        if (drl.values().stream().allMatch(text -> upToDate(before.get(CompiledUnits.checksum(text)), text, classes, loader))
                && before.size() == drl.size()) {
            System.out.println("PrecompiledUnits: the release's DRL is compiled already (" + classes.resolve(INDEX) + ")");
            return;
        }
        clean(classes.resolve(GENERATED));
        KieServices ks = KieServices.Factory.get();
        Map<String, byte[]> written = new HashMap<>();
        Properties index = new Properties();
        for (Map.Entry<String, String> file : drl.entrySet()) {
            ReleaseId releaseId = ks.newReleaseId("targetwatch", "release-" + file.getKey(), "1");
            try {
                CompiledUnits.Built built = CompiledUnits.build(new CompiledUnits.Unit(file.getKey() + ".drl",
                        file.getValue()), releaseId);
                if (!built.errors().isEmpty()) {
                    throw new IllegalStateException("the release's " + file.getKey() + ".drl does not compile: "
                            + built.errors());
                }
                for (String name : built.module().getFileNames()) {
                    if (name.endsWith(".class") && name.startsWith(GENERATED)) {
                        write(classes, name, built.module().getBytes(name), written);
                    }
                }
                List<String> models = built.module().getModelForKBase(new KieBaseModelImpl()).stream()
                        .map(model -> model.getClass().getName()).toList();
                index.setProperty(CompiledUnits.checksum(file.getValue()),
                        guard(file.getValue(), loader) + " " + String.join(",", models));
            } finally {
                ks.getRepository().removeKieModule(releaseId);
            }
        }
        Path out = classes.resolve(INDEX);
        Files.createDirectories(out.getParent());
        StringBuilder text = new StringBuilder("# The release's DRL compiled by the executable model when the engine was"
                + " built (targetwatch.engine.rules.PrecompiledUnits):\n# <SHA-256 of the DRL>=<guard> <model classes>\n");
        new TreeMap<>(index).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.out.println("PrecompiledUnits: " + drl.keySet() + " compiled into " + written.size() + " classes, index "
                + out);
    }

    private static boolean upToDate(Entry entry, String text, Path classes, ClassLoader loader) {
        return entry != null && entry.guard().equals(guard(text, loader)) && entry.models().stream()
                .allMatch(name -> Files.isRegularFile(classes.resolve(name.replace('.', '/') + ".class")));
    }

    /** Removes the classes a previous run generated (the DRL's package holds no other classes), not the DRL itself. */
    private static void clean(Path generated) throws IOException {
        if (!Files.isDirectory(generated)) {
            return;
        }
        try (Stream<Path> files = Files.walk(generated)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void write(Path classes, String name, byte[] bytes, Map<String, byte[]> written) throws IOException {
        byte[] earlier = written.put(name, bytes);
        if (earlier != null && !Arrays.equals(earlier, bytes)) {
            throw new IllegalStateException("two of the release's DRL files generate " + name + " differently");
        }
        Path target = classes.resolve(name);
        Files.createDirectories(target.getParent());
        Files.write(target, bytes);
    }

    private static Map<String, Entry> read(ClassLoader loader) {
        Map<String, Entry> out = new HashMap<>();
        try (InputStream in = loader.getResourceAsStream(INDEX)) {
            if (in == null) {
                return out;
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            for (String key : p.stringPropertyNames()) {
                String[] value = p.getProperty(key).split(" ", 2);
                if (value.length == 2) {
                    out.put(key, new Entry(value[0], List.of(value[1].split(","))));
                }
            }
            return out;
        } catch (IOException e) {
            return out;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
