package targetwatch.engine.rules;

import java.util.List;

/** A reading the active rule set cannot take: an unknown indicator, a value outside its unit's range. */
public class InvalidReadingException extends Exception {

    private final transient List<String> reasons;

    public InvalidReadingException(List<String> reasons) {
        super(String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
