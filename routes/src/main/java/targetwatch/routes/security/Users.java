package targetwatch.routes.security;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The API's users, from a properties file of {@code name=role:hash} lines (hash from {@link PasswordHash}).
 * For the embedded run, demo users are created on first start with their passwords in a file beside it.
 */
public final class Users {

    private record User(Role role, String hash) {
    }

    private final Map<String, User> users;

    private Users(Map<String, User> users) {
        this.users = Map.copyOf(users);
    }

    public static Users load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, User> users = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            String v = p.getProperty(name);
            int colon = v.indexOf(':');
            if (colon < 0) {
                throw new IOException(file + ": user " + name + " must be written name=role:hash");
            }
            users.put(name, new User(Role.parse(v.substring(0, colon)), v.substring(colon + 1)));
        }
        return new Users(users);
    }

    /**
     * Loads the users file, first creating demo users (one per role, random passwords) when it does not
     * exist: their passwords go to {@code credentials}, readable only by the owner where the file system allows.
     */
    public static Users loadOrCreateDemo(Path file, Path credentials) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Properties hashes = new Properties();
            StringBuilder plain = new StringBuilder("# Demo users of this targetwatch (user: password). Delete "
                    + file.getFileName() + " and restart to make new ones.\n");
            for (Role role : Role.values()) {
                String name = role.name().toLowerCase();
                String password = PasswordHash.randomPassword();
                hashes.setProperty(name, name + ":" + PasswordHash.hash(password));
                plain.append(name).append(": ").append(password).append('\n');
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                hashes.store(w, "targetwatch users: name=role:pbkdf2 hash");
            }
            Files.writeString(credentials, plain, StandardCharsets.UTF_8);
            restrict(credentials);
            restrict(file);
        }
        return load(file);
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps its default permissions
        }
    }

    /** A signed-in user: name and role. */
    public record Principal(String name, Role role) {
    }

    /** The user an {@code Authorization: Basic ...} header names, when the password matches. */
    public Optional<Principal> authenticate(String authorization) {
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
        String name = decoded.substring(0, colon);
        User u = users.get(name);
        if (u == null || !PasswordHash.matches(decoded.substring(colon + 1), u.hash())) {
            return Optional.empty();
        }
        return Optional.of(new Principal(name, u.role()));
    }

    public int size() {
        return users.size();
    }
}
