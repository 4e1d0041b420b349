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
        if (epoch < 1) {
            throw new IllegalArgumentException("the epoch of a fence starts at 1, not " + epoch);
        }
    }
}
