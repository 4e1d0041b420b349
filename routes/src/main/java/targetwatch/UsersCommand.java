package targetwatch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import targetwatch.routes.Settings;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * {@code ./targetwatch users add NAME --role ROLE [--contact ID]...}, {@code list}, {@code disable NAME} and
 * {@code reset NAME}: the accounts of the people who sign in to the pages and the API. The running service reads
 * the users file again when it changes, so nothing needs a restart.
 */
final class UsersCommand {

    private final PrintStream out;
    private final PrintStream err;
    private final Path file;
    private final Path rules;

    UsersCommand(PrintStream out, PrintStream err) {
        this(out, err, usersFile(), Settings.resolve(System.getenv().getOrDefault("TARGETWATCH_RULES", "rules")));
    }

    UsersCommand(PrintStream out, PrintStream err, Path file, Path rules) {
        this.out = out;
        this.err = err;
        this.file = file;
        this.rules = rules;
    }

    /** The users file as the service finds it: TARGETWATCH_USERS_FILE, else users.properties in the data folder. */
    static Path usersFile() {
        String explicit = System.getenv("TARGETWATCH_USERS_FILE");
        if (explicit != null && !explicit.isBlank()) {
            return Settings.resolve(explicit);
        }
        return Settings.resolve(System.getenv().getOrDefault("TARGETWATCH_DATA", "data")).resolve("users.properties");
    }

    int run(List<String> args) {
        if (args.isEmpty()) {
            return usage();
        }
        try {
            switch (args.get(0)) {
                case "list" -> list();
                case "add" -> {
                    return add(args.subList(1, args.size()));
                }
                case "disable" -> {
                    if (args.size() != 2) {
                        return usage();
                    }
                    Users.disable(file, args.get(1));
                    out.println("disabled " + args.get(1) + ": it can no longer sign in; its history keeps its name");
                }
                case "reset" -> {
                    if (args.size() != 2) {
                        return usage();
                    }
                    String password = Users.reset(file, args.get(1));
                    out.println("new password for " + args.get(1) + ": " + password);
                    out.println("(shown once; its old password and sessions no longer work)");
                }
                default -> {
                    return usage();
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("targetwatch users: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("targetwatch users: " + file + ": " + e.getMessage());
            return 1;
        }
    }

    private void list() throws IOException {
        if (!Files.exists(file)) {
            out.println("no users yet (" + file + " is made on the first ./targetwatch run, or by users add)");
            return;
        }
        out.printf("%-24s %-12s %-9s %-24s %s%n", "user", "role", "status", "partnerships", "contacts");
        for (Users.Account a : Users.load(file).accounts(true)) {
            out.printf("%-24s %-12s %-9s %-24s %s%n", a.name(), a.role().name().toLowerCase(), a.disabled() ? "disabled" : "active",
                    a.partnerships().isEmpty() ? "all" : String.join(",", a.partnerships()), String.join(" ", a.contacts()));
        }
    }

    private int add(List<String> args) throws IOException {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            return usage();
        }
        String name = args.get(0);
        Role role = null;
        Set<String> contacts = new LinkedHashSet<>();
        Set<String> partnerships = new java.util.TreeSet<>();
        for (int i = 1; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                return usage();
            }
            String value = args.get(++i);
            switch (flag) {
                case "--role" -> {
                    try {
                        role = Role.parse(value);
                    } catch (IllegalArgumentException e) {
                        err.println("targetwatch users: the role is one of viewer, lead, secretariat, admin (not " + value + ")");
                        return 1;
                    }
                }
                case "--contact" -> contacts.add(value);
                case "--partnership" -> partnerships.add(value);
                default -> {
                    return usage();
                }
            }
        }
        if (role == null) {
            return usage();
        }
        List<String> unknown = new ArrayList<>(contacts);
        Path csv = rules.resolve("contacts.csv");
        if (Files.isRegularFile(csv)) {
            unknown.removeAll(knownContacts(csv));
        } else {
            unknown.clear();
        }
        if (!unknown.isEmpty()) {
            err.println("targetwatch users: no contact " + String.join(", ", unknown) + " in " + rules.resolve("contacts.csv"));
            return 1;
        }
        String password = Users.add(file, name, role, List.copyOf(contacts), partnerships);
        out.println("added " + name + " (" + role.name().toLowerCase() + (partnerships.isEmpty() ? "" : " of "
                + String.join(", ", partnerships)) + (contacts.isEmpty() ? "" : ", answers for " + String.join(" ", contacts)) + ")");
        out.println("password: " + password + "   (shown once: pass it on, it can be changed with users reset)");
        return 0;
    }

    private static Set<String> knownContacts(Path csv) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                ids.add(rec.get("id").strip());
            }
        }
        return ids;
    }

    private int usage() {
        err.println("usage: targetwatch users list");
        err.println("       targetwatch users add NAME --role viewer|lead|secretariat|admin [--contact CONTACT-ID]..."
                + " [--partnership ID]...");
        err.println("       targetwatch users disable NAME");
        err.println("       targetwatch users reset NAME");
        return 2;
    }
}
