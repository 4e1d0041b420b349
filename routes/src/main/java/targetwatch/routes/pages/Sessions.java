package targetwatch.routes.pages;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pages' sessions: a random id in a cookie, held here with the user signed in (or nobody yet, for the sign-in
 * form's own CSRF token) and the CSRF token its forms carry. A session ends at sign-out, after being idle too long,
 * at its absolute age, and when its account's password changes or it is disabled (checked on every request).
 * Sessions live in memory: a restart signs everyone out, which the pages say.
 */
public final class Sessions {

    /** The cookie's name. */
    public static final String COOKIE = "targetwatch_session";
    private static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> flashes = new ConcurrentHashMap<>();
    /** The partnership each session's pages are about, once its user chose one of several. */
    private final Map<String, String> partnerships = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration absolute;
    private final Clock clock;

    /**
     * One session: its id, the user name and a fingerprint of the password hash it signed in with (null for nobody
     * yet), its CSRF token, and its times.
     */
    public record Session(String id, String user, String hashFingerprint, String csrf, Instant created, Instant lastSeen) {

        public boolean signedIn() {
            return user != null;
        }

        Session seen(Instant at) {
            return new Session(id, user, hashFingerprint, csrf, created, at);
        }
    }

    public Sessions(Duration idle, Duration absolute, Clock clock) {
        this.idle = idle;
        this.absolute = absolute;
        this.clock = clock;
    }

    /** The live session a cookie value names, touched; empty when unknown or expired. */
    public Optional<Session> find(String id) {
        if (id == null || id.length() > 100) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        Instant now = clock.instant();
        if (s == null) {
            return Optional.empty();
        }
        if (s.lastSeen().plus(idle).isBefore(now) || s.created().plus(absolute).isBefore(now)) {
            sessions.remove(id);
            partnerships.remove(id);
            return Optional.empty();
        }
        Session seen = s.seen(now);
        sessions.put(id, seen);
        return Optional.of(seen);
    }

    /** A session for nobody yet: the sign-in form's CSRF token lives in it. */
    public Session anonymous() {
        return open(null, null);
    }

    /**
     * A new session for a user who just signed in; the one used to sign in ends, so an id planted before signing in
     * is worth nothing after (session fixation).
     */
    public Session signedIn(String previousId, String user, String passwordHash) {
        if (previousId != null) {
            sessions.remove(previousId);
        }
        return open(user, fingerprint(passwordHash));
    }

    public void end(String id) {
        if (id != null) {
            sessions.remove(id);
            flashes.remove(id);
            partnerships.remove(id);
        }
    }

    /** Remembers the partnership the session's pages are about (the user chose it among theirs). */
    public void choosePartnership(Session s, String partnership) {
        if (sessions.containsKey(s.id())) {
            partnerships.put(s.id(), partnership);
        }
    }

    /** The partnership the session's user chose last, if any. */
    public Optional<String> chosenPartnership(Session s) {
        return Optional.ofNullable(partnerships.get(s.id()));
    }

    /** Leaves a message for the session's next page (after a redirect), such as "acknowledged". */
    public void flash(Session s, String message) {
        flashes.put(s.id(), message);
    }

    /** The message left for this page, taken so that a reload does not show it again. */
    public Optional<String> takeFlash(Session s) {
        return Optional.ofNullable(flashes.remove(s.id()));
    }

    /** Whether a session's user still has the password it signed in with. */
    public static boolean sameHash(Session s, String passwordHash) {
        return MessageDigest.isEqual(s.hashFingerprint().getBytes(), fingerprint(passwordHash).getBytes());
    }

    /** Whether a form's token is the session's (compared in constant time). */
    public static boolean csrfMatches(Session s, String token) {
        return token != null && MessageDigest.isEqual(s.csrf().getBytes(), token.getBytes());
    }

    private Session open(String user, String fingerprint) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> s.lastSeen().plus(idle).isBefore(now) || !s.signedIn());
            flashes.keySet().retainAll(sessions.keySet());
        }
        Session s = new Session(token(), user, fingerprint, token(), now, now);
        sessions.put(s.id(), s);
        return s;
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String fingerprint(String hash) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(hash.getBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
