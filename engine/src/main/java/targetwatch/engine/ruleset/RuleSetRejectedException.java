package targetwatch.engine.ruleset;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set failed its checks: nothing of it was compiled, and the running one stays active. */
public class RuleSetRejectedException extends Exception {

    private final transient List<RuleSetError> errors;

    public RuleSetRejectedException(List<RuleSetError> errors) {
        super("the rule set was refused:\n" + errors.stream().map(RuleSetError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<RuleSetError> errors() {
        return errors;
    }
}
