package targetwatch.routes.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every password check of the pages and the API, so that signing in cannot be used as a weapon. In this order: a
 * user name and password verified in the last few minutes are taken from a cache (a keyed hash of both, never the
 * password; dropped when the account is disabled or its password reset) without hashing; then an address or a user
 * name with too many recent failures is refused with a time to wait, before any hashing (the name's count holds back
 * only addresses it has not signed in from lately: from an address where the user signed in within
 * {@link #KNOWN_FOR}, only that address's own failures for the name count, so guesses from elsewhere cannot lock the
 * user out of their own desk); then at most a few PBKDF2
 * checks run at once, so guesses from many addresses cannot take every core; an unknown name is hashed against a
 * dummy, so it costs and answers like a known one. Failures and refusals are counted (shown on /api/health) and
 * failures logged.
 */
public final class LoginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    private static final int MAX_KEYS = 10_000;
    private static final int MAX_CACHED = 1_000;
    private static final Duration BUSY_WAIT = Duration.ofSeconds(5);
    /** How long an address a user signed in from stays theirs, for the per-name limit (kept in memory only). */
    public static final Duration KNOWN_FOR = Duration.ofDays(30);

    /** The answer to one attempt. */
    public sealed interface Outcome {
    }

    /** The name and password are right. */
    public record Verified(Users.Principal user) implements Outcome {
    }

    /** The name or the password is wrong, or the account is disabled. */
    public record Refused() implements Outcome {
    }

    /** Not checked: too many recent failures from the address or for the name, or too many checks at once. */
    public record Throttled(Duration retryAfter, String reason) implements Outcome {

        /** Whole seconds to wait, for a Retry-After header (at least 1). */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** How many failures are allowed, where, and for how long they count. */
    public record Limits(int perName, int perAddress, Duration window, Duration cacheFor, int concurrentChecks) {

        public Limits {
            if (perName < 1 || perAddress < 1 || concurrentChecks < 1 || window.isNegative() || cacheFor.isNegative()) {
                throw new IllegalArgumentException("sign-in limits must be positive: " + perName + " per name, "
                        + perAddress + " per address, " + concurrentChecks + " checks at once");
            }
        }

        /** 5 failures per name and 20 per address in 15 minutes; verified credentials kept 5 minutes; 1 check at once. */
        public static Limits defaults() {
            return new Limits(5, 20, Duration.ofMinutes(15), Duration.ofMinutes(5), 1);
        }
    }

    private record Cached(String name, String hash, Instant until) {
    }

    private final Users users;
    private final Limits limits;
    private final Clock clock;
    private final Failures byName;
    private final Failures byAddress;
    /** Failures for a name from an address it signed in from lately, keyed by both. */
    private final Failures byNameAtKnown;
    /** When each name last signed in from each address (name, NUL, address), bounded. */
    private final Map<String, Instant> knownAddresses = new ConcurrentHashMap<>();
    private final Semaphore checks;
    private final Map<String, Cached> verified = new ConcurrentHashMap<>();
    private final SecretKeySpec cacheKey;
    private final AtomicLong hashed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong lastThrottleLog = new AtomicLong();

    public LoginGuard(Users users, Limits limits, Clock clock) {
        this.users = users;
        this.limits = limits;
        this.clock = clock;
        this.byName = new Failures(limits.perName(), limits.window(), clock);
        this.byAddress = new Failures(limits.perAddress(), limits.window(), clock);
        this.byNameAtKnown = new Failures(limits.perName(), limits.window(), clock);
        this.checks = new Semaphore(limits.concurrentChecks(), true);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Checks an {@code Authorization: Basic ...} header; a missing or malformed one is refused without hashing. */
    public Outcome basic(String authorization, String address) {
        Optional<String[]> pair = Users.basicCredentials(authorization);
        if (pair.isEmpty()) {
            return new Refused();
        }
        return check(pair.get()[0], pair.get()[1], address, "API");
    }

    /**
     * Checks a name and password from the given address ({@code channel} says where, for the log: "API" or
     * "sign-in form").
     */
    public Outcome check(String name, String password, String address, String channel) {
        String key = key(name, password);
        Optional<Users.Principal> cached = cached(key);
        if (cached.isPresent()) {
            return new Verified(cached.get());
        }
        String from = address == null || address.isBlank() ? "unknown" : address;
        Optional<Duration> wait = byAddress.waitFor(from);
        String reason = "too many wrong passwords from this address";
        String pair = name + '\0' + from;
        boolean known = isKnown(pair);
        if (wait.isEmpty()) {
            wait = known ? byNameAtKnown.waitFor(pair) : byName.waitFor(name);
            reason = known ? "too many wrong passwords for this user name from this address"
                    : "too many wrong passwords for this user name";
        }
        if (wait.isPresent()) {
            return throttled(wait.get(), reason, name, from, channel);
        }
        Optional<Users.Principal> user;
        try {
            if (!checks.tryAcquire(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return throttled(BUSY_WAIT, "too many sign-ins at once", name, from, channel);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return throttled(BUSY_WAIT, "too many sign-ins at once", name, from, channel);
        }
        try {
            hashed.incrementAndGet();
            user = users.signIn(name, password);
        } finally {
            checks.release();
        }
        if (user.isEmpty()) {
            failed.incrementAndGet();
            byName.failed(name);
            byAddress.failed(from);
            if (known) {
                byNameAtKnown.failed(pair);
            }
            LOG.warn("failed sign-in ({}) as {} from {}: wrong name or password, or a disabled account", channel,
                    printable(name), from);
            return new Refused();
        }
        byName.clear(name);
        byNameAtKnown.clear(pair);
        know(pair);
        remember(key, user.get());
        return new Verified(user.get());
    }

    private boolean isKnown(String pair) {
        Instant at = knownAddresses.get(pair);
        return at != null && clock.instant().isBefore(at.plus(KNOWN_FOR));
    }

    private void know(String pair) {
        Instant now = clock.instant();
        if (knownAddresses.size() >= MAX_KEYS && !knownAddresses.containsKey(pair)) {
            knownAddresses.values().removeIf(at -> !now.isBefore(at.plus(KNOWN_FOR)));
            if (knownAddresses.size() >= MAX_KEYS) {
                // very many users at very many addresses: the oldest go first
                knownAddresses.entrySet().stream().min(Map.Entry.comparingByValue())
                        .ifPresent(oldest -> knownAddresses.remove(oldest.getKey()));
            }
        }
        knownAddresses.put(pair, now);
    }

    /** Passwords hashed and compared since the start (not those answered from the cache or throttled). */
    public long passwordChecks() {
        return hashed.get();
    }

    /** Wrong passwords (and unknown names, disabled accounts) since the start. */
    public long failures() {
        return failed.get();
    }

    /** Attempts refused before their password was looked at, since the start. */
    public long throttledAttempts() {
        return throttled.get();
    }

    private Outcome throttled(Duration wait, String reason, String name, String from, String channel) {
        long n = throttled.incrementAndGet();
        long now = clock.millis();
        long last = lastThrottleLog.get();
        // one line a minute at most: a flood of refused guesses must not become a flood of log lines
        if (now - last >= 60_000 && lastThrottleLog.compareAndSet(last, now)) {
            LOG.warn("refused sign-in ({}) as {} from {} without checking it: {} ({} refused so far)", channel,
                    printable(name), from, reason, n);
        }
        return new Throttled(wait, reason);
    }

    private Optional<Users.Principal> cached(String key) {
        Cached c = verified.get(key);
        if (c == null) {
            return Optional.empty();
        }
        Optional<Users.Account> account = users.account(c.name())
                .filter(a -> !a.disabled() && a.hash().equals(c.hash()) && clock.instant().isBefore(c.until()));
        if (account.isEmpty()) {
            verified.remove(key);
            return Optional.empty();
        }
        Users.Account a = account.get();
        return Optional.of(new Users.Principal(a.name(), a.role(), a.contacts(), a.partnerships()));
    }

    private void remember(String key, Users.Principal user) {
        if (limits.cacheFor().isZero()) {
            return;
        }
        Optional<Users.Account> account = users.account(user.name());
        if (account.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (verified.size() >= MAX_CACHED) {
            verified.values().removeIf(c -> !now.isBefore(c.until()));
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
        }
        verified.put(key, new Cached(user.name(), account.get().hash(), now.plus(limits.cacheFor())));
    }

    private String key(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A name as typed, for a log line: control characters shown as \\uXXXX, at most 64 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** Recent failures by key (a name or an address), in a sliding window, for a bounded number of keys. */
    static final class Failures {

        private final int max;
        private final Duration window;
        private final Clock clock;
        private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

        Failures(int max, Duration window, Clock clock) {
            this.max = max;
            this.window = window;
            this.clock = clock;
        }

        /** How long the key must wait before it may try again, or empty when it may try now. */
        Optional<Duration> waitFor(String key) {
            Deque<Instant> f = failures.get(key);
            if (f == null) {
                return Optional.empty();
            }
            synchronized (f) {
                prune(f);
                if (f.size() < max) {
                    return Optional.empty();
                }
                // the oldest failure counts up to and including the window's length
                return Optional.of(Duration.between(clock.instant(), f.peekFirst().plus(window)).plusSeconds(1));
            }
        }

        void failed(String key) {
            if (failures.size() >= MAX_KEYS) {
                failures.values().removeIf(f -> {
                    synchronized (f) {
                        prune(f);
                        return f.isEmpty();
                    }
                });
                if (failures.size() >= MAX_KEYS) {
                    // still full of live keys (guesses from very many addresses or names): start again rather than
                    // grow; the bound on checks at once still holds the hashing down
                    LOG.warn("more than {} names or addresses failed to sign in within {}: their counts start again",
                            MAX_KEYS, window);
                    failures.clear();
                }
            }
            Deque<Instant> f = failures.computeIfAbsent(key, n -> new ArrayDeque<>());
            synchronized (f) {
                f.addLast(clock.instant());
                while (f.size() > max) {
                    f.removeFirst();
                }
            }
        }

        void clear(String key) {
            failures.remove(key);
        }

        private void prune(Deque<Instant> f) {
            Instant cutoff = clock.instant().minus(window);
            while (!f.isEmpty() && f.peekFirst().isBefore(cutoff)) {
                f.removeFirst();
            }
        }
    }
}
