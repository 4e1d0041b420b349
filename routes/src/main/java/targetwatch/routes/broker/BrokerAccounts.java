package targetwatch.routes.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

import targetwatch.engine.model.Slugs;
import targetwatch.routes.security.PasswordHash;

/**
 * The embedded broker's accounts, in the two files of Artemis' properties login module: {@code name=ENC(hash)} lines
 * and {@code role=name,name} lines. Roles say what an account may do and speak for: {@code partner} (send readings
 * and acknowledgements), {@code partnership.<id>} (its partnership's readings and alerts), {@code source.<id>} (the
 * source its readings are from), {@code contact.<id>} (the contact its acknowledgements are by) and {@code admin}.
 * Both files are read again when they change, by the broker and by the routes.
 */
public final class BrokerAccounts {

    public static final String PARTNER = "partner";
    public static final String ADMIN = "admin";
    public static final String PARTNERSHIP = "partnership.";
    public static final String SOURCE = "source.";
    public static final String CONTACT = "contact.";

    private final Path usersFile;
    private final Path rolesFile;
    private Map<String, Set<String>> rolesByAccount = Map.of();
    private FileTime rolesReadAt;

    public BrokerAccounts(Path usersFile, Path rolesFile) {
        this.usersFile = usersFile.toAbsolutePath();
        this.rolesFile = rolesFile.toAbsolutePath();
    }

    public Path usersFile() {
        return usersFile;
    }

    public Path rolesFile() {
        return rolesFile;
    }

    /** An account and its roles, with what they say it may speak for. */
    public record Account(String name, Set<String> roles) {

        public Account {
            roles = Set.copyOf(roles);
        }

        /** The partnerships it may send readings and acknowledgements for and read the alerts of. */
        public Set<String> partnerships() {
            return suffixes(PARTNERSHIP);
        }

        /** The source its readings are from, when the account names one. */
        public Optional<String> source() {
            return suffixes(SOURCE).stream().findFirst();
        }

        /** The contact whose acknowledgements it sends, when the account names one. */
        public Optional<String> contact() {
            return suffixes(CONTACT).stream().findFirst();
        }

        public boolean isPartner() {
            return roles.contains(PARTNER);
        }

        private Set<String> suffixes(String prefix) {
            return roles.stream().filter(r -> r.startsWith(prefix)).map(r -> r.substring(prefix.length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The account of this name as the roles file says now; empty when it has no roles there. */
    public synchronized Optional<Account> account(String name) {
        Set<String> roles = roles().get(name);
        return roles == null ? Optional.empty() : Optional.of(new Account(name, roles));
    }

    /** Every partnership some account speaks for, so that its alert address can be declared. */
    public synchronized Set<String> partnerships() {
        return roles().values().stream().flatMap(Set::stream).filter(r -> r.startsWith(PARTNERSHIP))
                .map(r -> r.substring(PARTNERSHIP.length())).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The account names, in order. */
    public synchronized Set<String> names() {
        return new TreeSet<>(roles().keySet());
    }

    private Map<String, Set<String>> roles() {
        try {
            FileTime modified = Files.exists(rolesFile) ? Files.getLastModifiedTime(rolesFile) : null;
            if (modified == null) {
                rolesByAccount = Map.of();
            } else if (!modified.equals(rolesReadAt)) {
                Map<String, Set<String>> byAccount = new TreeMap<>();
                load(rolesFile).forEach((role, names) -> Arrays.stream(names.toString().split(","))
                        .map(String::strip).filter(n -> !n.isEmpty())
                        .forEach(n -> byAccount.computeIfAbsent(n, k -> new TreeSet<>()).add(role.toString())));
                rolesByAccount = byAccount;
            }
            rolesReadAt = modified;
            return rolesByAccount;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker's roles file " + rolesFile, e);
        }
    }

    /**
     * Adds an account (or gives an existing one a new password and roles), its password hashed the way Artemis'
     * properties login module checks it. The files are replaced whole, so the broker never reads half of one.
     */
    public synchronized void add(String name, String password, Collection<String> roles) throws IOException {
        if (!Slugs.isSlug(name)) {
            throw new IllegalArgumentException("a broker account's name is a lower-case slug such as kfrs-system: " + name);
        }
        Properties users = Files.exists(usersFile) ? load(usersFile) : new Properties();
        users.setProperty(name, hash(password));
        Properties byRole = Files.exists(rolesFile) ? load(rolesFile) : new Properties();
        for (String role : byRole.stringPropertyNames()) {
            Set<String> names = names(byRole.getProperty(role));
            names.remove(name);
            byRole.setProperty(role, String.join(",", names));
        }
        for (String role : roles) {
            Set<String> names = names(byRole.getProperty(role, ""));
            names.add(name);
            byRole.setProperty(role, String.join(",", names));
        }
        store(usersFile, users, "broker accounts: name=ENC(hash), checked by Artemis' properties login module");
        store(rolesFile, byRole, "broker roles: role=account,account (partner, admin, partnership.<id>, source.<id>, contact.<id>)");
    }

    /**
     * For the embedded run: when there is no users file yet, creates a partner account of the given partnership
     * ({@code partner}), an acknowledging lead officer's system ({@code lead-asb}) and a broker administrator
     * ({@code broker-admin}), with random passwords added to the demo credentials file.
     *
     * @return whether the accounts were created
     */
    public boolean createDemo(Path credentials, String partnership) throws IOException {
        if (Files.exists(usersFile)) {
            return false;
        }
        Files.createDirectories(usersFile.getParent());
        StringBuilder plain = new StringBuilder("# Demo broker accounts (user: password). Delete " + usersFile.getFileName()
                + " and restart to make new ones.\n");
        Map<String, List<String>> demo = new java.util.LinkedHashMap<>();
        demo.put(PARTNER, List.of(PARTNER, PARTNERSHIP + partnership));
        demo.put("lead-asb", List.of(PARTNER, PARTNERSHIP + partnership, CONTACT + "lead-asb"));
        demo.put("broker-admin", List.of(ADMIN));
        for (Map.Entry<String, List<String>> e : demo.entrySet()) {
            String password = PasswordHash.randomPassword();
            add(e.getKey(), password, e.getValue());
            plain.append(e.getKey()).append(": ").append(password).append('\n');
        }
        Files.writeString(credentials, plain, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        restrict(credentials);
        return true;
    }

    private static Set<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String hash(String password) {
        try {
            DefaultSensitiveStringCodec codec = PasswordMaskingUtil.getDefaultCodec(
                    Map.of(DefaultSensitiveStringCodec.ALGORITHM, DefaultSensitiveStringCodec.ONE_WAY));
            return PasswordMaskingUtil.wrap(codec.encode(password));
        } catch (Exception e) {
            throw new IllegalStateException("Artemis' one-way password codec failed", e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static void store(Path file, Properties p, String comment) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        }
        restrict(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps its default permissions
        }
    }
}
