package targetwatch.routes.pages;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/**
 * Password guessing at the sign-in form: a name may fail {@link SignInThrottle#MAX_FAILURES} - 1 times and still try,
 * is refused at the limit, may try again once the oldest failure is older than the window, and starts afresh after a
 * right password; other names are not held back.
 */
class SignInThrottleTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(clock);

    private void fail(String name, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(name);
            clock.move(Duration.ofSeconds(1));
        }
    }

    @Test
    void one_failure_short_of_the_limit_still_tries_and_the_limit_is_refused() {
        fail("ian.park", SignInThrottle.MAX_FAILURES - 1);
        assertTrue(throttle.allows("ian.park"));
        fail("ian.park", 1);
        assertFalse(throttle.allows("ian.park"));
        assertTrue(throttle.allows("nick.silvester"), "another name is not held back");
    }

    @Test
    void a_refused_name_tries_again_once_its_oldest_failure_leaves_the_window_and_not_a_second_before() {
        fail("ian.park", SignInThrottle.MAX_FAILURES);
        Instant oldest = Instant.parse("2026-12-02T10:00:00Z");
        clock.set(oldest.plus(SignInThrottle.WINDOW));
        assertFalse(throttle.allows("ian.park"), "at exactly the window's length the oldest failure still counts");
        clock.set(oldest.plus(SignInThrottle.WINDOW).plusSeconds(1));
        assertTrue(throttle.allows("ian.park"));
    }

    @Test
    void a_right_password_forgets_the_failures() {
        fail("ian.park", SignInThrottle.MAX_FAILURES - 1);
        throttle.succeeded("ian.park");
        fail("ian.park", SignInThrottle.MAX_FAILURES - 1);
        assertTrue(throttle.allows("ian.park"));
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void move(Duration d) {
            now = now.plus(d);
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
