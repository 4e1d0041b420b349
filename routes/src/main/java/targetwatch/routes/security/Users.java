package targetwatch.routes.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import targetwatch.engine.model.Slugs;

/**
 * The people who use targetwatch, from a properties file of {@code name=role[@partnerships]:hash[:contacts[:disabled]]}
 * lines (hash from {@link PasswordHash}; partnerships the ids of those the account belongs to, separated by commas,
 * none for an account of the whole service; contacts the {@code contacts.csv} ids a lead answers for, separated by
 * spaces). The file
 * is read again when it changes, so {@code ./targetwatch users ...} takes effect in the running service. For the
 * embedded run, demo users are created on first start with their passwords in a file beside it.
 */
public final class Users {

    /**
     * One account: its role, password hash, the contact ids it answers for, whether it may sign in, and the
     * partnerships it belongs to (empty: the whole service's, as every account of a single-partnership service).
     */
    public record Account(String name, Role role, String hash, List<String> contacts, boolean disabled,
                          java.util.Set<String> partnerships) {

        public Account {
            contacts = List.copyOf(contacts);
            partnerships = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(partnerships));
        }

        public Account(String name, Role role, String hash, List<String> contacts, boolean disabled) {
            this(name, role, hash, contacts, disabled, java.util.Set.of());
        }

        String line() {
            return role.name().toLowerCase() + (partnerships.isEmpty() ? "" : "@" + String.join(",", partnerships)) + ":"
                    + hash + ":" + String.join(" ", contacts) + (disabled ? ":disabled" : "");
        }

        Principal principal() {
            return new Principal(name, role, contacts, partnerships);
        }
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path file;
    private volatile Map<String, Account> accounts;
    private volatile FileTime loaded;

    private Users(Path file, Map<String, Account> accounts, FileTime loaded) {
        this.file = file;
        this.accounts = Map.copyOf(accounts);
        this.loaded = loaded;
    }

    public static Users load(Path file) throws IOException {
        return new Users(file, read(file), Files.getLastModifiedTime(file));
    }

    private static Map<String, Account> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Account> users = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            String[] fields = p.getProperty(name).split(":", -1);
            if (fields.length < 2 || fields.length > 4 || (fields.length == 4 && !fields[3].equals("disabled"))) {
                throw new IOException(file + ": user " + name + " must be written name=role:hash[:contacts[:disabled]]");
            }
            List<String> contacts = fields.length > 2 && !fields[2].isBlank() ? List.of(fields[2].strip().split("\\s+")) : List.of();
            String[] role = fields[0].split("@", 2);
            java.util.Set<String> partnerships = new java.util.TreeSet<>();
            if (role.length == 2) {
                for (String member : role[1].split(",")) {
                    if (!Slugs.isSlug(member.strip())) {
                        throw new IOException(file + ": user " + name + " belongs to \"" + Slugs.abbreviate(member)
                                + "\", which is not a partnership id (write role@maidstone,swale)");
                    }
                    partnerships.add(member.strip());
                }
            }
            users.put(name, new Account(name, Role.parse(role[0]), fields[1], contacts, fields.length == 4, partnerships));
        }
        return users;
    }

    /**
     * Loads the users file, first creating demo users (one per role, random passwords) when it does not
     * exist: their passwords go to {@code credentials}, readable only by the owner where the file system allows.
     */
    public static Users loadOrCreateDemo(Path file, Path credentials) throws IOException {
        return loadOrCreateDemo(file, credentials, List.of());
    }

    /**
     * As {@link #loadOrCreateDemo(Path, Path)}, with the demo lead answering for the given contact ids (the leads of the
     * rule set's targets), so that it sees and acknowledges their alerts in the pages.
     */
    public static Users loadOrCreateDemo(Path file, Path credentials, Collection<String> leadContacts) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Map<String, Account> demo = new LinkedHashMap<>();
            StringBuilder plain = new StringBuilder("# Demo users of this targetwatch (user: password). Delete "
                    + file.getFileName() + " and restart to make new ones.\n");
            for (Role role : Role.values()) {
                String name = role.name().toLowerCase();
                String password = PasswordHash.randomPassword();
                demo.put(name, new Account(name, role, PasswordHash.hash(password),
                        role == Role.LEAD ? List.copyOf(leadContacts) : List.of(), false));
                plain.append(name).append(": ").append(password).append('\n');
            }
            write(file, demo);
            Files.writeString(credentials, plain, StandardCharsets.UTF_8);
            restrict(credentials);
        }
        return load(file);
    }

    private static void write(Path file, Map<String, Account> accounts) throws IOException {
        Properties p = new Properties();
        accounts.values().forEach(a -> p.setProperty(a.name(), a.line()));
        StringWriter w = new StringWriter();
        p.store(w, "targetwatch users: name=role:pbkdf2 hash:contact ids[:disabled]; change with ./targetwatch users");
        Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
        Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
        restrict(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps its default permissions
        }
    }

    /**
     * A signed-in user: name, role, the contact ids whose alerts it answers for, and the partnerships it belongs to
     * (empty: every partnership the service holds).
     */
    public record Principal(String name, Role role, List<String> contacts, java.util.Set<String> partnerships) {

        public Principal {
            contacts = List.copyOf(contacts);
            partnerships = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(partnerships));
        }

        public Principal(String name, Role role, List<String> contacts) {
            this(name, role, contacts, java.util.Set.of());
        }

        public Principal(String name, Role role) {
            this(name, role, List.of());
        }

        /** Whether this user may see and act on the partnership's data (at the role's level). */
        public boolean belongsTo(String partnership) {
            return partnerships.isEmpty() || partnerships.contains(partnership);
        }

        /** The partnerships of those given that this user may see, in order. */
        public List<String> visible(java.util.Collection<String> held) {
            return held.stream().filter(this::belongsTo).toList();
        }

        /** Whether this user may do what the role allows. */
        public boolean may(Role required) {
            return role.includes(required);
        }
    }

    /** The name and password of an {@code Authorization: Basic ...} header, if it is one. */
    public static Optional<String[]> basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    /**
     * The user, when the name and password match an account that is not disabled. The password is hashed whether or
     * not the account exists (against a dummy hash when it does not), so an unknown name costs and answers the same.
     * Callers that face the network go through {@link LoginGuard}, which limits how often this runs.
     */
    public Optional<Principal> signIn(String name, String password) {
        Account a = accounts().get(name);
        boolean matches = PasswordHash.matches(password, a == null ? DummyHash.HASH : a.hash());
        if (a == null || a.disabled() || !matches) {
            return Optional.empty();
        }
        return Optional.of(a.principal());
    }

    /** A hash no password is known for, made once, with the same rounds as real ones. */
    private static final class DummyHash {
        static final String HASH = PasswordHash.hash(PasswordHash.randomPassword() + PasswordHash.randomPassword());
    }

    /** An account as the file holds it now (it may have been disabled or reset since someone signed in). */
    public Optional<Account> account(String name) {
        return Optional.ofNullable(accounts().get(name));
    }

    /** Every account, by name. */
    public List<Account> accounts(boolean includeDisabled) {
        return accounts().values().stream().filter(a -> includeDisabled || !a.disabled()).toList();
    }

    public int size() {
        return accounts().size();
    }

    private Map<String, Account> accounts() {
        try {
            FileTime now = Files.getLastModifiedTime(file);
            if (!now.equals(loaded)) {
                synchronized (this) {
                    if (!now.equals(loaded)) {
                        accounts = Map.copyOf(read(file));
                        loaded = now;
                    }
                }
            }
        } catch (IOException e) {
            // the file is being replaced or is unreadable for a moment: the accounts read last stay
        }
        return accounts;
    }

    // ---- changes, for ./targetwatch users

    /**
     * Adds an account with a new random password, which is returned (shown once to whoever adds it).
     *
     * @throws IllegalArgumentException when the name is taken or not a plain name, or a lead names no contact
     */
    public static String add(Path file, String name, Role role, List<String> contacts) throws IOException {
        return add(file, name, role, contacts, java.util.Set.of());
    }

    /**
     * Adds an account that belongs to the given partnerships (none: the whole service), with a new random password.
     *
     * @throws IllegalArgumentException when the name is taken or not a plain name, a lead names no contact, or a
     *                                  partnership is not an id
     */
    public static String add(Path file, String name, Role role, List<String> contacts, java.util.Set<String> partnerships)
            throws IOException {
        partnerships.forEach(p -> Slugs.require("partnership", p));
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 64 lower-case letters, digits, dots, dashes or"
                    + " underscores, such as ian.park");
        }
        contacts.forEach(c -> Slugs.require("contact", c));
        if (role == Role.LEAD && contacts.isEmpty()) {
            throw new IllegalArgumentException("a lead answers for at least one contact: add --contact ID (an id in contacts.csv)");
        }
        Map<String, Account> all = existing(file);
        if (all.containsKey(name)) {
            throw new IllegalArgumentException("there is already a user " + name + " (reset or disable it instead)");
        }
        String password = PasswordHash.randomPassword();
        all.put(name, new Account(name, role, PasswordHash.hash(password), contacts, false, partnerships));
        write(file, all);
        return password;
    }

    /** Gives an account a new random password (and enables it again), returned to be passed on; old sessions end. */
    public static String reset(Path file, String name) throws IOException {
        Map<String, Account> all = existing(file);
        Account a = require(all, name);
        String password = PasswordHash.randomPassword();
        all.put(name, new Account(name, a.role(), PasswordHash.hash(password), a.contacts(), false, a.partnerships()));
        write(file, all);
        return password;
    }

    /** Stops an account from signing in; its sessions end at their next request. Its history keeps its name. */
    public static void disable(Path file, String name) throws IOException {
        Map<String, Account> all = existing(file);
        Account a = require(all, name);
        all.put(name, new Account(name, a.role(), a.hash(), a.contacts(), true, a.partnerships()));
        write(file, all);
    }

    private static Map<String, Account> existing(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new TreeMap<>();
        }
        return new TreeMap<>(read(file));
    }

    private static Account require(Map<String, Account> all, String name) {
        Account a = all.get(name);
        if (a == null) {
            throw new IllegalArgumentException("there is no user " + name);
        }
        return a;
    }
}
