package targetwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/** {@code ./targetwatch users}: accounts are people with a role and, for leads, the contacts they answer for. */
class UsersCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path file, String... args) {
        out.reset();
        err.reset();
        return new UsersCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                file, Path.of(System.getProperty("targetwatch.rules"))).run(List.of(args));
    }

    private String password() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("password(?: for \\S+)?: (\\S+)")
                .matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
        return m.group(1);
    }

    @Test
    void an_added_lead_signs_in_with_the_password_shown_once_and_answers_for_its_contacts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.properties");
        assertEquals(0, run(file, "add", "jody.gagan-cook", "--role", "lead", "--contact", "lead-asb", "--contact",
                "lead-reducing-reoffending"));
        String password = password();

        Users.Principal p = Users.load(file).signIn("jody.gagan-cook", password).orElseThrow();
        assertEquals(Role.LEAD, p.role());
        assertEquals(List.of("lead-asb", "lead-reducing-reoffending"), p.contacts());
        assertTrue(Users.load(file).signIn("jody.gagan-cook", password + "x").isEmpty());
        assertEquals(0, run(file, "list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("jody.gagan-cook          lead         active    all                      lead-asb lead-reducing-reoffending"),
                out.toString(StandardCharsets.UTF_8));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains(password), "list never shows a password");
    }

    @Test
    void a_lead_without_a_contact_an_unknown_contact_a_taken_name_or_an_unknown_role_is_refused(@TempDir Path dir) {
        Path file = dir.resolve("users.properties");
        assertEquals(1, run(file, "add", "ian.park", "--role", "lead"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("at least one contact"));
        assertEquals(1, run(file, "add", "ian.park", "--role", "lead", "--contact", "lead-nobody"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no contact lead-nobody"));
        assertEquals(1, run(file, "add", "ian.park", "--role", "chief"));
        assertEquals(0, run(file, "add", "ian.park", "--role", "viewer"));
        assertEquals(1, run(file, "add", "ian.park", "--role", "viewer"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("already a user ian.park"));
        assertEquals(1, run(file, "add", "Ian Park", "--role", "viewer"), "a name is lower case without spaces");
    }

    @Test
    void a_disabled_account_cannot_sign_in_until_it_is_reset_and_the_old_password_stops_working(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("users.properties");
        run(file, "add", "clerk", "--role", "secretariat");
        String first = password();
        assertEquals(0, run(file, "disable", "clerk"));
        assertTrue(Users.load(file).signIn("clerk", first).isEmpty());
        assertEquals(0, run(file, "reset", "clerk"));
        String second = password();
        assertTrue(Users.load(file).signIn("clerk", second).isPresent());
        assertTrue(Users.load(file).signIn("clerk", first).isEmpty());
        assertEquals(1, run(file, "reset", "nobody"));
    }
}
