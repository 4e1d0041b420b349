package targetwatch.routes.pages;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing at the sign-in form: after {@link #MAX_FAILURES} wrong passwords for one user name within
 * {@link #WINDOW}, that name is refused until the oldest failure is out of the window, whatever password is given.
 */
public final class SignInThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_NAMES = 10_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether the name may try a password now. */
    public boolean allows(String name) {
        Deque<Instant> f = failures.get(name);
        if (f == null) {
            return true;
        }
        synchronized (f) {
            prune(f);
            return f.size() < MAX_FAILURES;
        }
    }

    public void failed(String name) {
        if (failures.size() >= MAX_NAMES) {
            failures.values().removeIf(f -> {
                synchronized (f) {
                    prune(f);
                    return f.isEmpty();
                }
            });
        }
        Deque<Instant> f = failures.computeIfAbsent(name, n -> new ArrayDeque<>());
        synchronized (f) {
            f.addLast(clock.instant());
        }
    }

    public void succeeded(String name) {
        failures.remove(name);
    }

    private void prune(Deque<Instant> f) {
        Instant cutoff = clock.instant().minus(WINDOW);
        while (!f.isEmpty() && f.peekFirst().isBefore(cutoff)) {
            f.removeFirst();
        }
    }
}
