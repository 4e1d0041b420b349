package targetwatch.engine.store;

/**
 * An instance's hold on one partnership, as {@link Ownership#claim} gave it: a write made under it is refused once
 * another instance has taken the partnership over (a higher epoch).
 *
 * @param owner the instance that holds the partnership
 * @param epoch the number of the take-over that gave it, one more than the one before
 */
public record Fence(String partnership, String owner, long epoch) {

    public Fence {
        if (partnership == null || partnership.isBlank()) {
            throw new IllegalArgumentException("a fence needs its partnership");
        }
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("a fence on " + partnership + " needs its owner");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("the epoch of a fence is 0 (never held) or more, not " + epoch);
        }
    }

    /**
     * A fence no claim ever hands out (claims start at epoch 1): every write under it is refused, for a partnership
     * this instance holds to read but does not own.
     */
    public static Fence neverHeld(String partnership, String instance) {
        return new Fence(partnership, instance, 0);
    }
}
