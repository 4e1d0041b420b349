package targetwatch.engine.store;

/**
 * A write refused because its fence is stale: another instance took the partnership over since. Nothing of the
 * transaction was stored; the instance has lost the partnership and must stop processing it.
 */
public final class FencedOutException extends StoreException {

    private final String partnership;
    private final long staleEpoch;
    private final String currentOwner;
    private final long currentEpoch;

    /**
     * @param currentOwner who holds the partnership now, null when nobody does
     * @param currentEpoch the epoch it holds it with, 0 when nobody does
     */
    public FencedOutException(Fence stale, String currentOwner, long currentEpoch) {
        super("partnership " + stale.partnership() + " is no longer " + stale.owner() + "'s: its epoch " + stale.epoch()
                + " is stale, " + (currentOwner == null ? "and nobody owns it now"
                : "the owner is now " + currentOwner + " with epoch " + currentEpoch) + "; nothing was written", null);
        this.partnership = stale.partnership();
        this.staleEpoch = stale.epoch();
        this.currentOwner = currentOwner;
        this.currentEpoch = currentEpoch;
    }

    public String partnership() {
        return partnership;
    }

    /** The epoch the refused write carried. */
    public long staleEpoch() {
        return staleEpoch;
    }

    /** The instance that holds the partnership now, or null. */
    public String currentOwner() {
        return currentOwner;
    }

    public long currentEpoch() {
        return currentEpoch;
    }
}
