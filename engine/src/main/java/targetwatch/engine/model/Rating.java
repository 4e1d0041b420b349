package targetwatch.engine.model;

/** How a reading stands against its target. GREY means there was nothing to rate or compare with. */
public enum Rating {
    GREEN, AMBER, RED, GREY;

    /** Whether this rating calls for an alert. */
    public boolean isAlerting() {
        return this == AMBER || this == RED;
    }
}
