package targetwatch.engine.store;

import java.time.Instant;
import java.util.Map;

/**
 * One stored rule set: its files (name to text), checksum, who submitted it and when, and its status:
 * CANDIDATE (checked, not active), ACTIVE (exactly one), RETIRED (was active), REFUSED (failed its checks).
 */
public record RuleSetVersion(int version, String checksum, Map<String, String> files, String status, Instant createdAt,
                             String createdBy, String comment, Instant activatedAt, String errors) {

    public static final String CANDIDATE = "CANDIDATE";
    public static final String ACTIVE = "ACTIVE";
    public static final String RETIRED = "RETIRED";
    public static final String REFUSED = "REFUSED";

    public RuleSetVersion {
        files = Map.copyOf(files);
    }
}
