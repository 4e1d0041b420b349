package targetwatch.engine.feeds;

import java.util.List;

/** The rule set's feed files (areas, population, LSOA lookup) were refused: every problem, as {@code file:row:column: message}. */
public final class FeedSetupException extends Exception {

    private final transient List<String> errors;

    public FeedSetupException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
