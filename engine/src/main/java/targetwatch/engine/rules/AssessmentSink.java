package targetwatch.engine.rules;

import java.util.Objects;
import java.util.function.Consumer;

import targetwatch.engine.model.Assessment;

/**
 * The target rules' sink for the assessments they make (the global {@code assessments} of the target templates): the
 * engine holds a series' assessments itself and no rule matches one, so an assessment is handed over, never put into
 * working memory to be taken out again.
 */
public final class AssessmentSink {

    /** The global's name in the templates. */
    public static final String GLOBAL = "assessments";

    private final Consumer<Assessment> engine;

    AssessmentSink(Consumer<Assessment> engine) {
        this.engine = Objects.requireNonNull(engine);
    }

    /** A target rule rated a period. */
    public void add(Assessment assessment) {
        engine.accept(Objects.requireNonNull(assessment, "a target rule made no assessment"));
    }
}
