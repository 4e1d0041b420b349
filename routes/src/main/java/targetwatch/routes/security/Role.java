package targetwatch.routes.security;

/** What a user may do; each role includes the ones before it. */
public enum Role {
    VIEWER, LEAD, SECRETARIAT, ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    public static Role parse(String s) {
        return valueOf(s.strip().toUpperCase());
    }
}
