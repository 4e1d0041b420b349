package targetwatch.routes.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetRejectedException;

/**
 * What the routes see of the engine: readings in, assessments and alert events out, and the counts the
 * health check reports. Every source route goes through {@link #ingest}.
 */
public final class IngestService implements AutoCloseable {

    private final RuleEngine engine;
    private final CompiledRules rules;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    public IngestService(CompiledRules rules) {
        this.rules = rules;
        this.engine = new RuleEngine(rules);
    }

    /** Loads and compiles the rule set folder; a refused one stops start-up with its errors. */
    public static IngestService load(Path rulesFolder) throws RuleSetRejectedException {
        return new IngestService(new RuleCompiler().load(rulesFolder));
    }

    /** The result of one ingestion: what changed, and the readings that were refused with their reasons. */
    public record Result(int accepted, List<Assessment> assessments, List<targetwatch.engine.model.AlertEvent> alertEvents,
                         List<RejectedReading> rejected) {
    }

    /** Why the rule set cannot take this reading, or empty. Nothing is stored. */
    public List<String> problemsWith(Reading r) {
        return engine.problemsWith(r);
    }

    /**
     * Assesses readings in order. Each reading the rule set refuses is reported with {@code where} and
     * its position; the others are assessed.
     */
    public Result ingest(String where, List<Positioned> readings) {
        List<Assessment> assessments = new ArrayList<>();
        List<targetwatch.engine.model.AlertEvent> events = new ArrayList<>();
        List<RejectedReading> refused = new ArrayList<>();
        int accepted = 0;
        for (Positioned p : readings) {
            try {
                Outcome o = engine.process(p.reading());
                assessments.addAll(o.assessments());
                events.addAll(o.alertEvents());
                accepted++;
            } catch (InvalidReadingException e) {
                refused.add(new RejectedReading(where, p.position(), e.getMessage()));
            }
        }
        taken.addAndGet(accepted);
        rejected.addAndGet(refused.size());
        return new Result(accepted, assessments, events, refused);
    }

    /** A reading with its row or item number in what it came in. */
    public record Positioned(Reading reading, long position) {
    }

    /** Counts a message or file that went to the dead-letter place. */
    public void countDeadLettered() {
        deadLettered.incrementAndGet();
    }

    public List<Assessment> latest() {
        return engine.latest();
    }

    public RuleSet ruleSet() {
        return rules.ruleSet();
    }

    public int ruleCount() {
        return rules.ruleCount();
    }

    public long readingsTaken() {
        return taken.get();
    }

    public long readingsRejected() {
        return rejected.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public void close() {
        engine.close();
    }
}
