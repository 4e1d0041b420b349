package targetwatch.routes.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password checks that cannot be used as a weapon: an address or a name one failure short of its limit is still
 * checked and at the limit is refused without hashing, until its oldest failure leaves the window; an unknown name is
 * hashed like a known one; a right password is hashed once and then answered from the cache, until the account is
 * disabled or its password reset; failures and refusals are counted.
 */
class LoginGuardTest {

    private static final String HOME = "10.0.0.1";
    private static final LoginGuard.Limits LIMITS = new LoginGuard.Limits(3, 5, Duration.ofMinutes(15),
            Duration.ofMinutes(5), 1);

    @TempDir
    Path dir;
    private Path file;
    private String password;
    private final Movable clock = new Movable(Instant.parse("2026-12-02T10:00:00Z"));
    private LoginGuard guard;

    @BeforeEach
    void users() throws IOException {
        file = dir.resolve("users.properties");
        password = Users.add(file, "ian.park", Role.LEAD, List.of("ian-park"));
        Users.add(file, "nick.silvester", Role.VIEWER, List.of());
        guard = new LoginGuard(Users.load(file), LIMITS, clock);
    }

    private void fail(String name, String address, int times) {
        for (int i = 0; i < times; i++) {
            assertInstanceOf(LoginGuard.Refused.class, guard.check(name, "not-it-" + i, address, "test"));
            clock.move(Duration.ofSeconds(1));
        }
    }

    @Test
    void a_name_one_failure_short_of_its_limit_is_still_checked_and_at_the_limit_is_refused_without_hashing() {
        fail("ian.park", HOME, LIMITS.perName() - 1);
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"),
                "one short of the limit, the right password still signs in");
        fail("ian.park", HOME, LIMITS.perName());
        long hashed = guard.passwordChecks();
        LoginGuard.Outcome refused = guard.check("ian.park", "another guess", "10.0.0.2", "test");
        assertInstanceOf(LoginGuard.Throttled.class, refused, "at the limit the name is refused from any address");
        assertEquals(hashed, guard.passwordChecks(), "a refused attempt is not hashed");
        assertEquals(1, guard.throttledAttempts());
        assertEquals(2L * LIMITS.perName() - 1, guard.failures());
        assertInstanceOf(LoginGuard.Refused.class, guard.check("nick.silvester", "a guess", "10.0.0.2", "test"),
                "another name from another address is still checked");
    }

    @Test
    void an_address_one_failure_short_of_its_limit_is_still_checked_and_at_the_limit_is_refused_for_every_name() {
        for (int i = 0; i < LIMITS.perAddress() - 1; i++) {
            fail("guess-" + i, HOME, 1);
        }
        assertInstanceOf(LoginGuard.Refused.class, guard.check("nick.silvester", "a guess", HOME, "test"),
                "one short of the address's limit, a password is still checked");
        long hashed = guard.passwordChecks();
        LoginGuard.Outcome refused = guard.check("ian.park", password, HOME, "test");
        LoginGuard.Throttled t = assertInstanceOf(LoginGuard.Throttled.class, refused,
                "at the limit even a right password from the address waits");
        assertEquals(hashed, guard.passwordChecks());
        assertEquals(LIMITS.window().getSeconds(), t.retryAfterSeconds(), 10, "wait about the window's length");
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, "10.0.0.2", "test"),
                "another address is not held back");
    }

    @Test
    void guesses_from_elsewhere_do_not_lock_a_user_out_of_an_address_they_signed_in_from_and_its_own_guesses_do() {
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        clock.move(LIMITS.cacheFor().plusSeconds(1)); // past the cache: the next right password is hashed again
        fail("ian.park", "10.0.0.9", LIMITS.perName());
        assertInstanceOf(LoginGuard.Throttled.class, guard.check("ian.park", password, "10.0.0.2", "test"),
                "an address the user has not signed in from is held back by the name's failures");
        long hashed = guard.passwordChecks();
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"),
                "the address the user signed in from is not");
        assertEquals(hashed + 1, guard.passwordChecks(), "checked, not answered from the cache");
        clock.move(LIMITS.cacheFor().plusSeconds(1));
        fail("ian.park", HOME, LIMITS.perName() - 1);
        assertInstanceOf(LoginGuard.Refused.class, guard.check("ian.park", "one more guess", HOME, "test"),
                "one short of the limit at the known address, a guess is still checked");
        assertInstanceOf(LoginGuard.Throttled.class, guard.check("ian.park", password, HOME, "test"),
                "at the limit at the known address it waits too");
    }

    @Test
    void an_address_stays_the_users_for_thirty_days_after_they_signed_in_from_it_and_not_a_second_longer() {
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        Instant signedIn = clock.instant();
        clock.set(signedIn.plus(LoginGuard.KNOWN_FOR).minusSeconds(60));
        fail("ian.park", "10.0.0.7", LIMITS.perName());
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"),
                "a minute before thirty days are up the address is still the user's");
        clock.set(signedIn.plus(LoginGuard.KNOWN_FOR).minusSeconds(60).plus(LIMITS.cacheFor()).plusSeconds(1));
        // the sign-in above made the address known again: thirty days from it
        fail("ian.park", "10.0.0.8", LIMITS.perName());
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        Instant last = clock.instant();
        clock.set(last.plus(LoginGuard.KNOWN_FOR));
        fail("ian.park", "10.0.0.9", LIMITS.perName());
        assertInstanceOf(LoginGuard.Throttled.class, guard.check("ian.park", password, HOME, "test"),
                "thirty days after the last sign-in from it, it is an address like any other");
    }

    @Test
    void a_refused_name_is_checked_again_once_its_oldest_failure_leaves_the_window_and_not_a_second_before() {
        Instant oldest = clock.instant();
        fail("ian.park", HOME, LIMITS.perName());
        clock.set(oldest.plus(LIMITS.window()));
        LoginGuard.Throttled t = assertInstanceOf(LoginGuard.Throttled.class,
                guard.check("ian.park", password, "10.0.0.2", "test"), "at exactly the window's length it still counts");
        assertEquals(1, t.retryAfterSeconds());
        clock.set(oldest.plus(LIMITS.window()).plusSeconds(1));
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, "10.0.0.2", "test"));
    }

    @Test
    void an_unknown_name_is_hashed_and_counted_like_a_wrong_password_for_a_known_one() {
        long before = guard.passwordChecks();
        assertInstanceOf(LoginGuard.Refused.class, guard.check("nobody", "a guess", HOME, "test"));
        assertInstanceOf(LoginGuard.Refused.class, guard.check("ian.park", "a guess", HOME, "test"));
        assertEquals(before + 2, guard.passwordChecks(), "both were hashed");
        assertEquals(2, guard.failures());
        fail("nobody", HOME, LIMITS.perName() - 1);
        assertInstanceOf(LoginGuard.Throttled.class, guard.check("nobody", "a guess", "10.0.0.2", "test"),
                "an unknown name is throttled as a known one is");
    }

    @Test
    void a_right_password_is_hashed_once_and_then_taken_from_the_cache_until_its_time_is_up() {
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        long hashed = guard.passwordChecks();
        clock.move(LIMITS.cacheFor().minusSeconds(1));
        LoginGuard.Verified again = assertInstanceOf(LoginGuard.Verified.class,
                guard.check("ian.park", password, HOME, "test"));
        assertEquals(hashed, guard.passwordChecks(), "within the cache's time the password is not hashed again");
        assertEquals(List.of("ian-park"), again.user().contacts());
        clock.move(Duration.ofSeconds(1));
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        assertEquals(hashed + 1, guard.passwordChecks(), "at the cache's time it is hashed again");
        assertInstanceOf(LoginGuard.Refused.class, guard.check("ian.park", password + "x", HOME, "test"),
                "a cached right password does not let another one in");
    }

    @Test
    void a_cached_password_stops_working_at_once_when_the_account_is_disabled_or_its_password_reset() throws IOException {
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", password, HOME, "test"));
        Users.disable(file, "ian.park");
        assertInstanceOf(LoginGuard.Refused.class, guard.check("ian.park", password, HOME, "test"), "disabled");
        String second = Users.reset(file, "ian.park");
        assertInstanceOf(LoginGuard.Refused.class, guard.check("ian.park", password, "10.0.0.3", "test"),
                "the old password after a reset");
        assertInstanceOf(LoginGuard.Verified.class, guard.check("ian.park", second, "10.0.0.3", "test"));
    }

    @Test
    void a_malformed_basic_header_is_refused_without_hashing() {
        assertInstanceOf(LoginGuard.Refused.class, guard.basic("Basic %%%", HOME));
        assertInstanceOf(LoginGuard.Refused.class, guard.basic(null, HOME));
        assertEquals(0, guard.passwordChecks());
    }

    /** A clock the test moves. */
    private static final class Movable extends Clock {
        private Instant now;

        Movable(Instant start) {
            now = start;
        }

        void move(Duration d) {
            now = now.plus(d);
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
